import type { EntityManager } from '@mikro-orm/postgresql';
import { raw } from '@mikro-orm/core';
import { User } from '../entities/auth/user.js';

/*
 * Ending sessions: session tokens carry the user's session generation, and a token whose generation is not the current
 * one is refused on the next request (src/auth/authenticate.ts). Raised when a password changes and when a user or
 * its account is disabled, inside the mutation's transaction (so a rejected or dry-run change ends nothing).
 * API tokens are credentials of their own, revoked one by one (a disabled user or account cannot use them either).
 */

/** Ends every session of a loaded user (saved with the rest of the mutation). */
export function endSessionsOf(user: User): void {
  user.sessionGeneration += 1;
}

/** Ends every session of every user of an account. */
export async function endSessionsOfAccount(em: EntityManager, accountId: string): Promise<void> {
  await em.nativeUpdate(User, { account: accountId }, { sessionGeneration: raw('session_generation + 1') }, { filters: false });
}
