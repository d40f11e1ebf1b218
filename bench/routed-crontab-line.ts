import type { Orm } from '../src/db/orm.js';
import { Account } from '../src/entities/accounts/account.js';
import { AccountType } from '../src/entities/accounts/account-type.js';
import { Route } from '../src/entities/orchestration/route.js';
import { Server } from '../src/entities/orchestration/server.js';
import { Crontab } from '../src/entities/services/crontab.js';
import { SystemUser, SystemUserShell } from '../src/entities/services/system-user.js';

/**
 * A server row (nothing runs on it) with an account and main system user `username` whose user and crontab are routed
 * to it only, and one crontab line; returns the line's id. In a transaction of its own: the collector fills in created
 * objects' ids after the flush of an explicit one.
 */
export async function seedRoutedCrontabLine(orm: Orm, serverName: string, username: string, address: string): Promise<string> {
  const em = orm.em.fork();
  await em.begin();
  const server = em.create(Server, { name: serverName, address });
  em.create(Route, { backend: 'system-users', server, match: `systemuser.username == "${username}"` });
  em.create(Route, { backend: 'crontabs', server, match: `crontab.systemUsername == "${username}"` });
  const account = em.create(Account, { username, type: AccountType.INDIVIDUAL });
  const user = em.create(SystemUser, { account, username, isMain: true, shell: SystemUserShell.BASH });
  const line = em.create(Crontab, { account, systemUser: user, minute: '*/5', command: 'echo start' });
  await em.commit();
  return line.id;
}
