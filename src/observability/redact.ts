/**
 * Key names whose values are secrets wherever they appear in a logged object: passwords, tokens, keys, hashes,
 * authorization headers. Matched on the last segment of a key, case-insensitively.
 */
const SECRET_KEY = /pass(word)?|token|secret|authorization|cookie|hash|private|^key$|credential/i;

export const REDACTED = '[REDACTED]';

/** Names of references and flags that merely mention a secret (`apiTokenId`, `hasPassword`): not secrets. */
const NOT_SECRET = /(Id|Ids|At|Count)$|^has[A-Z]/;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !NOT_SECRET.test(key);
}

/**
 * A copy of `value` with every secret-named property replaced by REDACTED, at any depth (GraphQL variables, error
 * details). Bounded in depth so a cyclic or huge object cannot stall logging.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[DEPTH]';
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = isSecretKey(key) ? REDACTED : redactSecrets(item, depth + 1);
  return out;
}

/** pino's fast path for the places secrets are known to sit in the objects we log. */
export const REDACT_PATHS = [
  'password', 'token', 'authorization', 'secret',
  '*.password', '*.token', '*.authorization', '*.secret', '*.newPassword', '*.currentPassword',
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
];
