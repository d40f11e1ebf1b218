/**
 * Bind9 slave (django-orchestra's Bind9SlaveDomainController): the zone blocks that make `named` transfer top
 * domains' zones from the masters the bind9-master routes select.
 *
 * Decisions:
 * - Files: the block /etc/bind/orchestra/slave/blocks/<zone>.conf (`type slave`, `masters` and `allow-notify`: the
 *   masters' addresses), all blocks together in /etc/bind/orchestra/slave.conf, included from Debian's
 *   named.conf.local once; named keeps the transferred zone in /var/lib/bind/orchestra/<zone>.db.
 * - A subdomain's save, and any delete, removes the block of that name and its transferred copy.
 * - A zone no master serves is skipped with an error (the run fails, the other zones are written).
 * - Commit: one `rndc reconfig` when blocks changed (named adds and drops zones, and transfers a new one at once;
 *   content changes reach it by the master's NOTIFY, not by anything run here).
 * - The serial is not an ignored field (see bind9-master): a save that changes only it rewrites nothing here.
 */
import { defineBackend } from '../backend.js';
import { bashFragment } from '../../shell/fragment.js';
import { WRITE_IF_CHANGED } from '../write-if-changed.js';
import { ShellCode, joinShell, sh, shComment } from '../../shell/quote.js';
import { DOMAIN_BOOLEAN_MATCH_FIELDS, DOMAIN_MATCH_FIELDS, domainMatchContext, parseDomainSource, type DomainSource } from '../dns/zone.js';

const CONF = bashFragment(new URL('../dns/bind9-conf.sh', import.meta.url));
const ADDRESS_LIST = bashFragment(new URL('../dns/address-list.sh', import.meta.url));
const SLAVE = bashFragment(new URL('./slave.sh', import.meta.url));
const SAVE_ZONE = bashFragment(new URL('./save-zone.sh', import.meta.url));
const REMOVE_ZONE = bashFragment(new URL('./remove-zone.sh', import.meta.url));

export const bind9SlaveBackend = defineBackend<DomainSource>({
  name: 'bind9-slave',
  description: 'Bind9 slave: zone blocks transferring top domains\' zones from the masters',
  model: 'Domain',
  actions: ['save', 'delete'],
  timeoutMs: 120_000,
  matchFields: DOMAIN_MATCH_FIELDS,
  booleanMatchFields: DOMAIN_BOOLEAN_MATCH_FIELDS,
  snapshot: (source) => parseDomainSource(source, 'bind9-slave'),
  parseSnapshot: (raw) => parseDomainSource(raw, 'bind9-slave'),
  matchContext: domainMatchContext,
  label: (s) => s.name,
  // Only the functions this script calls (shellcheck flags the others as unreachable code).
  prepare(operations) {
    const saves = operations.some((op) => op.action === 'save' && op.snapshot.zone !== null);
    const removes = operations.some((op) => op.action !== 'save' || op.snapshot.zone === null);
    return joinShell([WRITE_IF_CHANGED, CONF, saves ? ADDRESS_LIST : ShellCode.empty, SLAVE, saves ? SAVE_ZONE : ShellCode.empty, removes ? REMOVE_ZONE : ShellCode.empty]);
  },
  section(op) {
    const s = op.snapshot;
    if (op.action === 'save' && s.zone) return s.masters.length ? sh`save_slave_zone ${s.name} ${s.masters}` : sh`save_slave_zone ${s.name}`;
    return joinShell([
      shComment(op.action === 'delete' ? 'The domain is deleted.' : `Now a subdomain of ${s.top}: its records are in that zone.`),
      sh`remove_slave_zone ${s.name}`,
    ]);
  },
  commit: () => sh`commit_slave`,
});
