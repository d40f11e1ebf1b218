import { randomBytes } from 'node:crypto';
import { Account } from '../entities/accounts/account.js';
import { AccountType } from '../entities/accounts/account-type.js';
import { User } from '../entities/auth/user.js';
import type { Orm } from '../db/orm.js';
import { hashPassword } from './password.js';

export const FIRST_ADMIN_USERNAME = 'admin';

/**
 * On an empty database, creates the provider's own STAFF account and its admin user with a random password.
 * Returns the credentials only on that first call (they are shown once and stored hashed); later calls return null.
 */
export async function bootstrapFirstAdmin(orm: Orm): Promise<{ username: string; password: string } | null> {
  const em = orm.em.fork();
  return em.transactional(async (tx) => {
    // Serialises concurrent starts (api and worker coming up together): only one creates the admin.
    await tx.getConnection().execute('select pg_advisory_xact_lock(724110)', [], 'run', tx.getTransactionContext());
    if ((await tx.count(User, { isAdmin: true })) > 0) return null;
    const password = randomBytes(12).toString('base64url');
    const account = tx.create(Account, {
      username: FIRST_ADMIN_USERNAME,
      type: AccountType.STAFF,
      shortName: 'Provider',
      comments: 'The hosting provider itself (created at first start).',
    });
    tx.create(User, { account, username: FIRST_ADMIN_USERNAME, isAdmin: true, passwordHash: await hashPassword(password) });
    return { username: FIRST_ADMIN_USERNAME, password };
  });
}
