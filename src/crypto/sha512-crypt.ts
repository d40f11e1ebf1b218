import { createHash, randomBytes } from 'node:crypto';

/**
 * SHA-512-crypt (`$6$`), the hash /etc/shadow expects (Drepper's "Unix crypt using SHA-256 and SHA-512").
 * Node has no crypt(3); this follows the published algorithm and is checked against `openssl passwd -6` in tests.
 * System-user passwords are stored only in this form and reach scripts only as this hash.
 */
const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DEFAULT_ROUNDS = 5000;
/** Byte order of the final encoding, in groups of three (from the specification). */
const ORDER = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29],
  [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16],
  [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
];

const sha512 = (...parts: Buffer[]) => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** `length` bytes of `block` repeated. */
function stretch(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += block.length) block.copy(out, i, 0, Math.min(block.length, length - i));
  return out;
}

function encode24(b2: number, b1: number, b0: number, chars: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < chars; i++, w >>= 6) out += ITOA64[w & 0x3f];
  return out;
}

export function sha512Crypt(password: string, salt: string, rounds = DEFAULT_ROUNDS): string {
  if (!/^[./0-9A-Za-z]{1,16}$/.test(salt)) throw new Error('salt must be 1 to 16 of [./0-9A-Za-z]');
  if (!Number.isInteger(rounds) || rounds < 1000 || rounds > 999_999_999) throw new Error('rounds must be 1000..999999999');
  const p = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt, 'ascii');
  const b = sha512(p, s, p);
  const a = createHash('sha512').update(p).update(s).update(stretch(b, p.length));
  for (let n = p.length; n > 0; n >>= 1) a.update(n & 1 ? b : p);
  let c = a.digest();
  const pBytes = stretch(sha512(...Array(p.length).fill(p)), p.length);
  const sBytes = stretch(sha512(...Array(16 + c[0]).fill(s)), s.length);
  for (let i = 0; i < rounds; i++) {
    const h = createHash('sha512');
    h.update(i & 1 ? pBytes : c);
    if (i % 3) h.update(sBytes);
    if (i % 7) h.update(pBytes);
    h.update(i & 1 ? c : pBytes);
    c = h.digest();
  }
  const hash = ORDER.map(([x, y, z]) => encode24(c[x], c[y], c[z], 4)).join('') + encode24(0, 0, c[63], 2);
  const prefix = rounds === DEFAULT_ROUNDS ? '$6$' : `$6$rounds=${rounds}$`;
  return `${prefix}${salt}$${hash}`;
}

/** A new hash with a random 16-character salt. */
export function hashSystemPassword(password: string): string {
  const bytes = randomBytes(16);
  const salt = [...bytes].map((x) => ITOA64[x & 0x3f]).join('');
  return sha512Crypt(password, salt, DEFAULT_ROUNDS);
}

export const SHA512_CRYPT = /^\$6\$(rounds=\d+\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}$/;
