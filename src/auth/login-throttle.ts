import type { EntityManager } from '@mikro-orm/postgresql';
import { LoginAttempt } from '../entities/auth/login-attempt.js';

export interface LoginLimits {
  maxFailuresPerUsername: number;
  maxFailuresPerAddress: number;
  windowSeconds: number;
}

interface Attempt {
  id: string;
  username: string;
}

/**
 * Throttles password guessing: at most `maxFailuresPerUsername` failed logins per username and `maxFailuresPerAddress`
 * per client address within a sliding window. The attempt is recorded (committed) before it is counted and before the
 * password is checked, so concurrent attempts cannot all pass the check: the n-th attempt counts at least n rows (in a
 * burst some may be refused early, counting others still in flight; none gets through beyond the limit).
 * A refused attempt is deleted (it was not checked), a successful one too, with the username's earlier failures.
 *
 * Returns the recorded attempt, or null when the caller must refuse the login.
 */
export async function beginLoginAttempt(em: EntityManager, username: string, address: string | null, limits: LoginLimits): Promise<Attempt | null> {
  const now = new Date();
  const since = new Date(now.getTime() - limits.windowSeconds * 1000);
  // Rows older than the window count for nothing; pruning them here keeps the table small without a job.
  await em.nativeDelete(LoginAttempt, { createdAt: { $lt: since } }, { filters: false });
  const attempt = { id: String(await em.insert(LoginAttempt, { username, address, createdAt: now, updatedAt: now })), username };
  const byUsername = await em.count(LoginAttempt, { username, createdAt: { $gte: since } }, { filters: false });
  const byAddress = address === null ? 0 : await em.count(LoginAttempt, { address, createdAt: { $gte: since } }, { filters: false });
  if (byUsername > limits.maxFailuresPerUsername || byAddress > limits.maxFailuresPerAddress) {
    await em.nativeDelete(LoginAttempt, { id: attempt.id }, { filters: false });
    return null;
  }
  return attempt;
}

/** A failed attempt stays counted; a successful one clears the username's failures. */
export async function endLoginAttempt(em: EntityManager, attempt: Attempt, succeeded: boolean): Promise<void> {
  if (succeeded) await em.nativeDelete(LoginAttempt, { username: attempt.username }, { filters: false });
}
