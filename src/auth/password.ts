import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { hasLoneSurrogate } from '../orchestration/shell/quote.js';

/**
 * Login passwords are hashed with scrypt (memory-hard, in Node's crypto: no native add-on to build).
 * N=2^15, r=8 uses 32 MiB per hash; the parameters are stored with the hash so they can be raised later.
 */
const PARAMS = { N: 1 << 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: typeof PARAMS): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 128 * params.N * params.r * 2 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return `$scrypt$N=${PARAMS.N},r=${PARAMS.r},p=${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(stored);
  if (!match) return false;
  const [, n, r, p, salt, key] = match;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of a random password, verified when a user does not exist so a failed login takes the same time. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * Rules every password must meet, wherever one is accepted (login, change, set, new account, system user); returns
 * the problem or null. A password is printable text: spaces and any script, but no control character (NUL, tab,
 * CR, LF, escape, DEL, C1: nobody types them at a login prompt, crypt(3) stops at a NUL, a line break splits it in
 * any line-based tool) and no line separator or broken Unicode. Lengths count characters (code points).
 */
export function passwordProblem(password: string): string | null {
  if (typeof password !== 'string') return 'must be a string';
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (/[\p{Cc}\u2028\u2029]/u.test(password)) return 'must be printable text (no control characters, tabs or line breaks)';
  if (hasLoneSurrogate(password)) return 'must be valid Unicode';
  return null;
}
