import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { saslprep } from './saslprep.js';

/**
 * PostgreSQL's SCRAM-SHA-256 verifier (RFC 5802 / RFC 7677), what `pg_authid.rolpassword` holds:
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (base64). `ALTER ROLE … PASSWORD '<verifier>'` stores it
 * as is, so the server never sees the clear password. The password is SASLprep-ed first, as PostgreSQL (and libpq
 * when it logs in) does, falling back to the raw string when SASLprep refuses it (./saslprep.ts). Checked against
 * the real server in tests/database-credentials.test.ts (logins with psql).
 */
export const SCRAM_ITERATIONS = 4096;

export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16), iterations = SCRAM_ITERATIONS): string {
  const salted = pbkdf2Sync(Buffer.from(saslprep(password) ?? password, 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

export const SCRAM_VERIFIER = /^SCRAM-SHA-256\$[1-9][0-9]{3,6}:[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/;
