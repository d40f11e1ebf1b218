import type { EntityManager } from '@mikro-orm/postgresql';
import { readPrepared } from '../db/prepared-read.js';

/** What checking a session token needs of its user and the user's account. */
export interface SessionUser {
  id: string;
  username: string;
  accountId: string;
  isAdmin: boolean;
  isActive: boolean;
  accountIsActive: boolean;
  sessionGeneration: number;
}

/**
 * A session's user, read in one plain statement on every authenticated request. Why not `em.findOne(User, …,
 * { populate: ['account'] })`: building that query and hydrating two entities cost more CPU than the rest of a small
 * request (bench/README.md, issue 9), and authentication only reads these values. The value is the token's verified
 * subject (src/auth/session-token.ts), passed as a parameter.
 */
export async function findSessionUser(em: EntityManager, userId: string): Promise<SessionUser | null> {
  const rows = (await readPrepared<SessionUser>(em, SESSION_USER_SQL, [userId])) ?? (await em.getConnection().execute<SessionUser[]>(SESSION_USER_SQL, [userId]));
  return rows[0] ?? null;
}

/** One statement, prepared once per pooled connection (src/db/prepared-read.ts); MikroORM's `execute` in a transaction. */
const SESSION_USER_SQL = `select u.id::text as "id", u.username as "username", u.account_id::text as "accountId", u.is_admin as "isAdmin",
            u.is_active as "isActive", a.is_active as "accountIsActive", u.session_generation as "sessionGeneration"
       from "user" u join "account" a on a.id = u.account_id
      where u.id = ?`;
