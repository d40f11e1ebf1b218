/**
 * Disk use of each system user's home (django-orchestra's UNIXUserDisk, which shipped Python 2): `du -sb` of the home
 * under `timeout`, `nice` and `ionice`, on the servers the `system-users` routes select. Homes are the API-validated
 * paths under /home, checked again by the script (no symbolic link on the way).
 */
import { SystemUser } from '../../../entities/services/system-user.js';
import { ShellCode, joinShell, sh } from '../../../orchestration/shell/quote.js';
import { bashFragment } from '../../../orchestration/shell/fragment.js';
import { systemUserSourceOf } from '../../../services/system-users/system-user-source.js';
import { effectiveHome } from '../../../services/system-users/system-user.validation.js';
import type { Monitor } from '../monitor.js';

const HOME_PATH = bashFragment(new URL('../../../orchestration/backends/system-users/home-path.sh', import.meta.url));
const DISK = bashFragment(new URL('./disk.sh', import.meta.url));

export const systemUserDiskMonitor: Monitor<{ home: string }> = {
  name: 'system-user-disk',
  description: 'Bytes in each system user\'s home (du -sb, at low priority, bounded by a timeout).',
  model: 'SystemUser',
  backend: 'system-users',
  kind: 'disk',
  counter: false,
  timeoutMs: 30 * 60_000,
  async targets(em, objectIds) {
    const users = await em.find(SystemUser, objectIds ? { id: { $in: [...objectIds] } } : {}, { populate: ['account'], filters: false, orderBy: { id: 'asc' } });
    return users.map((user) => ({
      objectId: user.id,
      accountId: user.account.id,
      routeSource: systemUserSourceOf(user, user.account.getEntity(), false),
      data: { home: effectiveHome(user) },
    }));
  },
  body(targets) {
    return joinShell([HOME_PATH, DISK, ShellCode.empty, ...targets.map((t) => sh`measure_home ${t.objectId} ${t.data.home}`)], '\n');
  },
};
