import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiToken } from '../entities/auth/api-token.js';
import { User } from '../entities/auth/user.js';
import { AuthError } from '../errors/domain-error.js';
import { parseApiToken } from './api-token-secret.js';
import { findSessionUser } from './session-user.js';
import { verifySessionToken } from './session-token.js';
import { ANONYMOUS, type Viewer } from './viewer.js';

/** How often last-use of an API token is written at most; avoids a write per request. */
const LAST_USE_RESOLUTION_MS = 60_000;

/**
 * Turns an `Authorization: Bearer …` header into a Viewer. No header: anonymous. A bad or expired
 * credential is an error rather than anonymous, so a client learns its token stopped working.
 *
 * `em` may be the process's root EntityManager: a session token's check reads one plain row through its connection
 * (no identity map), and an API token is read on a fork of it (forking per request only to check a session cost
 * about 1 % of a small mutation's CPU).
 */
export async function authenticate(
  em: EntityManager,
  header: string | undefined,
  secret: string,
  clientAddress: string | null,
  now = new Date(),
): Promise<Viewer> {
  if (!header) return ANONYMOUS;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw new AuthError('UNAUTHENTICATED', 'Authorization header must be "Bearer <token>"');
  const token = match[1];

  if (token.startsWith('orc_')) {
    const parsed = parseApiToken(token);
    const tokens = em.fork();
    const row = parsed && (await tokens.findOne(ApiToken, { prefix: parsed.prefix }, { populate: ['user', 'account'] }));
    if (!parsed || !row || row.secretHash !== parsed.secretHash || row.revokedAt) {
      throw new AuthError('UNAUTHENTICATED', 'Invalid API token');
    }
    if (row.expiresAt && row.expiresAt <= now) throw new AuthError('TOKEN_EXPIRED', 'API token expired');
    const user = row.user.getEntity();
    if (!canLogIn(user)) throw new AuthError('UNAUTHENTICATED', 'Invalid API token');
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USE_RESOLUTION_MS || row.lastUsedFrom !== clientAddress) {
      await tokens.nativeUpdate(ApiToken, { id: row.id }, { lastUsedAt: now, lastUsedFrom: clientAddress });
    }
    return viewerOf(user, row.id);
  }

  const check = verifySessionToken(secret, token, now.getTime());
  if (!check.ok) {
    throw check.reason === 'expired'
      ? new AuthError('TOKEN_EXPIRED', 'Session expired; log in again')
      : new AuthError('UNAUTHENTICATED', 'Invalid session token');
  }
  const user = await findSessionUser(em, check.claims.sub);
  // As canLogIn, on the values read.
  if (!user || !user.isActive || !user.accountIsActive) throw new AuthError('UNAUTHENTICATED', 'Invalid session token');
  if (check.claims.gen !== user.sessionGeneration) {
    throw new AuthError('SESSION_ENDED', 'Session ended (password changed or user disabled); log in again');
  }
  return { kind: 'user', userId: user.id, username: user.username, accountId: user.accountId, isAdmin: user.isAdmin, apiTokenId: null };
}

/** A user logs in while both it and its account are active (a disabled account locks its users out). */
export function canLogIn(user: User): boolean {
  return user.isActive && user.account.getEntity().isActive;
}

function viewerOf(user: User, apiTokenId: string | null): Viewer {
  return {
    kind: 'user',
    userId: user.id,
    username: user.username,
    accountId: user.account.id,
    isAdmin: user.isAdmin,
    apiTokenId,
  };
}
