/**
 * The suite's captured logs and the secrets it used. Every test process writes its log lines (JSON, debug level) to
 * `<TEST_TMP_DIR>/logs/<pid>.log`, and the helpers register every password and token they send or receive in
 * `<TEST_TMP_DIR>/secrets/<pid>.txt`; the global teardown then looks for each secret in each log (findSecretsInLogs).
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSecretKey } from '../../src/observability/redact.js';

/** Shorter values (a refused "short" password) would match ordinary text by chance. */
const MIN_SECRET_LENGTH = 8;

export function testLogDir(root = process.env.TEST_TMP_DIR): string | null {
  return root ? join(root, 'logs') : null;
}

function secretsDir(root = process.env.TEST_TMP_DIR): string | null {
  return root ? join(root, 'secrets') : null;
}

/** Remembers a secret the suite used, for the scan at the end. */
export function registerSecret(value: unknown): void {
  const dir = secretsDir();
  if (!dir || typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${process.pid}.txt`), `${JSON.stringify(value)}\n`);
}

/** Registers every string under a secret-named key (password, token, …) at any depth of a request or response. */
export function registerSecretsIn(value: unknown, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 10) return;
  for (const [key, item] of Object.entries(value)) {
    if (isSecretKey(key) && typeof item === 'string') registerSecret(item);
    else registerSecretsIn(item, depth + 1);
  }
}

/** Each secret found in a log: which log, and the secret masked (never printed whole). */
export function findSecretsInLogs(root: string): { log: string; secret: string }[] {
  const logs = join(root, 'logs');
  const secrets = join(root, 'secrets');
  if (!existsSync(logs) || !existsSync(secrets)) return [];
  const values = new Set<string>();
  for (const file of readdirSync(secrets)) {
    for (const line of readFileSync(join(secrets, file), 'utf8').split('\n')) if (line) values.add(JSON.parse(line) as string);
  }
  const found: { log: string; secret: string }[] = [];
  for (const file of readdirSync(logs)) {
    const text = readFileSync(join(logs, file), 'utf8');
    for (const value of values) {
      // A log line is JSON: the secret may appear escaped.
      if (text.includes(value) || text.includes(JSON.stringify(value).slice(1, -1))) found.push({ log: file, secret: `${value.slice(0, 2)}…(${value.length} chars)` });
    }
  }
  return found;
}
