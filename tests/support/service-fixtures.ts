import { Account } from '../../src/entities/accounts/account.js';
import { SystemUser, SystemUserShell } from '../../src/entities/services/system-user.js';
import type { Orm } from '../../src/db/orm.js';
import { idOf, toGlobalId } from '../../src/schema/relay/global-id.js';
import type { GraphQLClient } from './graphql-client.js';
import { CreateCrontabDocument, CreateSystemUserDocument } from '../generated/graphql.js';

/**
 * The account's main system user (named like the account), created through the ORM when it does not exist yet:
 * the API never creates main users (they come with the account), and the tests need one.
 */
export async function mainSystemUser(orm: Orm, accountId: string): Promise<{ id: string; username: string }> {
  const em = orm.em.fork();
  const account = await em.findOneOrFail(Account, { id: idOf('Account', accountId) });
  const user =
    (await em.findOne(SystemUser, { account, isMain: true })) ??
    em.create(SystemUser, { account, username: account.username, isMain: true, shell: SystemUserShell.BASH });
  await em.flush();
  return { id: toGlobalId('SystemUser', user.id), username: user.username };
}

export async function systemUserFor(client: GraphQLClient, accountId: string, username: string) {
  const result = await client.data(CreateSystemUserDocument, { input: { accountId, username } });
  if (result.createSystemUser.userErrors.length) throw new Error(JSON.stringify(result.createSystemUser.userErrors));
  return result.createSystemUser.systemUser!;
}

export async function crontabFor(client: GraphQLClient, systemUserId: string, command = 'echo hello') {
  const result = await client.data(CreateCrontabDocument, { input: { systemUserId, minute: '*/5', command } });
  if (result.createCrontab.userErrors.length) throw new Error(JSON.stringify(result.createCrontab.userErrors));
  return result.createCrontab.crontab!;
}
