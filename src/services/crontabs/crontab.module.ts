import type { EntityManager } from '@mikro-orm/postgresql';
import type { Reference } from '@mikro-orm/core';
import type { Account } from '../../entities/accounts/account.js';
import { Crontab } from '../../entities/services/crontab.js';
import type { SystemUser } from '../../entities/services/system-user.js';
import type { CrontabEntry, CrontabSource } from '../../orchestration/backends/crontabs/crontabs.backend.js';
import { entityOf } from '../entity-of.js';
import { readSource, type SourceRead } from '../source-read.js';
import { defineServiceModule } from '../service-module.js';

const CRONTAB_POPULATE = ['account', 'systemUser'] as const;

/**
 * One line per system user among the lines matching `where`: a line's save re-renders its user's whole crontab
 * (`syncKey`), so an account with thousands of lines needs as many saves as it has users, and loading every line
 * (with its relations) only to keep one per user was most of such a commit.
 */
async function firstLineOfEachUser(em: EntityManager, where: { account: string } | { systemUser: string }): Promise<Crontab[]> {
  const column = 'account' in where ? 'account_id' : 'system_user_id';
  const rows = await em
    .getConnection()
    .execute<{ id: string }[]>(
      `select min(id) as id from crontab where ${column} = ? group by system_user_id`,
      ['account' in where ? where.account : where.systemUser],
      'all',
      em.getTransactionContext(),
    );
  if (rows.length === 0) return [];
  return em.find(Crontab, { id: { $in: rows.map((r) => String(r.id)) } }, { populate: CRONTAB_POPULATE, filters: false });
}

/**
 * A system user's active lines as the backend takes them, in id order: plain rows (a JSON array), where reading them
 * as entities cost a query build and a hydration per line on every commit.
 */
function userCrontab(systemUserId: string): SourceRead {
  return {
    key: `crontab-entries:${systemUserId}`,
    sql: `(select coalesce(json_agg(json_build_object('id', c."id"::text, 'minute', c."minute", 'hour', c."hour",
             'dayOfMonth', c."day_of_month", 'month', c."month", 'dayOfWeek', c."day_of_week", 'command', c."command",
             'description', c."description") order by c."id"), '[]')
             from "crontab" c where c."system_user_id" = ? and c."is_active")`,
    params: [systemUserId],
  };
}

/** Crontab lines of a system user (backend `crontabs`, which installs the user's whole crontab). */
export const crontabModule = defineServiceModule<Crontab>({
  model: 'Crontab',
  entity: Crontab,
  populate: CRONTAB_POPULATE,
  sourceReads: (crontab) => [userCrontab(crontab.systemUser.id)],
  async source(em: EntityManager, crontab, shared = new Map<string, unknown>()) {
    const user = await entityOf(crontab.systemUser as Reference<SystemUser>);
    const account = await entityOf(crontab.account as Reference<Account>);
    // The whole crontab of the user, as committed: the backend synchronises it. Read once per plan for all its lines.
    const entries = await readSource<CrontabEntry[]>(em, userCrontab(user.id), shared);
    const source: CrontabSource = { systemUsername: user.username, isActive: user.isActive && account.isActive, entries };
    return { account, label: `${user.username}: ${crontab.description || crontab.command}`.slice(0, 128), source };
  },
  savedWhen: [
    {
      // A disabled account's crontabs are commented out; routes may match on its type.
      model: 'Account',
      fields: ['isActive', 'type'],
      objects: (em, account) => firstLineOfEachUser(em, { account: account.id }),
    },
    {
      // A disabled user's crontab is commented out.
      model: 'SystemUser',
      fields: ['isActive'],
      objects: (em, user) => firstLineOfEachUser(em, { systemUser: user.id }),
    },
  ],
  ownedBy: [
    { model: 'SystemUser', where: (userId) => ({ systemUser: userId }) },
    { model: 'Account', where: (accountId) => ({ account: accountId }) },
  ],
  // Every line carries its user's whole crontab: one per user is enough to regenerate it.
  syncKey: (crontab) => crontab.systemUser.id,
  filterFields: ['id', 'isActive', 'command'],
});
