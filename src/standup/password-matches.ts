import { mysqlNativePasswordHash } from '../crypto/mysql-native-password.js';
import { scramSha256Verifier } from '../crypto/scram-sha-256.js';
import { sha512Crypt } from '../crypto/sha512-crypt.js';

/**
 * Whether a stored hash is already the hash of `password`, recomputed with the stored salt and rounds. A description
 * holds clear passwords, and hashing one again (new salt) would be a change on every apply: with this check,
 * applying the same description twice changes nothing, and a changed password is an update.
 */
export function passwordMatches(password: string, stored: string | null): boolean {
  if (!stored) return false;
  // Dovecot's form names its scheme first: `{SHA512-CRYPT}$6$…`.
  if (stored.startsWith('{SHA512-CRYPT}')) return passwordMatches(password, stored.slice('{SHA512-CRYPT}'.length));
  const crypt = /^\$6\$(?:rounds=(\d+)\$)?([./0-9A-Za-z]{1,16})\$/.exec(stored);
  if (crypt) return sha512Crypt(password, crypt[2], crypt[1] ? Number(crypt[1]) : 5000) === stored;
  const scram = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$/.exec(stored);
  if (scram) return scramSha256Verifier(password, Buffer.from(scram[2], 'base64'), Number(scram[1])) === stored;
  if (stored.startsWith('*')) return mysqlNativePasswordHash(password) === stored;
  return false;
}
