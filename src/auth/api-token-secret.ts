import { createHash, randomBytes } from 'node:crypto';

/**
 * API tokens look like `orc_<prefix>_<secret>`: the prefix (public) finds the row, the secret (256 bits)
 * is compared by its SHA-256. The whole token is shown once, when it is created.
 */
const TOKEN = /^orc_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function generateApiToken(): { token: string; prefix: string; secretHash: string } {
  const prefix = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  return { token: `orc_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function parseApiToken(token: string): { prefix: string; secretHash: string } | null {
  const match = TOKEN.exec(token);
  return match ? { prefix: match[1], secretHash: hashSecret(match[2]) } : null;
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
