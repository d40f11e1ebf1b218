import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived session tokens: `v1.<base64url payload>.<base64url HMAC-SHA256>`. The signature needs no lookup; the
 * user's session generation (`gen`) is compared with the user's row on each request, so raising it ends every session
 * of that user at once (src/auth/end-sessions.ts). Automation uses API tokens instead.
 */
export interface SessionClaims {
  sub: string; // user id
  gen: number; // the user's sessionGeneration when the token was issued
  iat: number;
  exp: number;
}

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`v1.${payload}`).digest('base64url');
}

export function issueSessionToken(
  secret: string,
  user: { id: string; sessionGeneration: number },
  ttlSeconds: number,
  now = Date.now(),
): { token: string; expiresAt: Date } {
  const iat = Math.floor(now / 1000);
  const claims: SessionClaims = { sub: user.id, gen: user.sessionGeneration, iat, exp: iat + ttlSeconds };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { token: `v1.${payload}.${sign(secret, payload)}`, expiresAt: new Date(claims.exp * 1000) };
}

export type SessionCheck = { ok: true; claims: SessionClaims } | { ok: false; reason: 'malformed' | 'expired' };

export function verifySessionToken(secret: string, token: string, now = Date.now()): SessionCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1') return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(secret, parts[1]));
  const given = Buffer.from(parts[2]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'malformed' };
  let claims: SessionClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof claims.sub !== 'string' || typeof claims.gen !== 'number' || typeof claims.exp !== 'number') return { ok: false, reason: 'malformed' };
  if (claims.exp * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
