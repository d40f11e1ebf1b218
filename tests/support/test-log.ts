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

function registry(kind: 'secrets' | 'public', root = process.env.TEST_TMP_DIR): string | null {
  return root ? join(root, kind) : null;
}

/** Appends the strings long enough to matter to this process's list of that kind: one write per call. */
function remember(kind: 'secrets' | 'public', values: unknown[]): void {
  const dir = registry(kind);
  const lines = values.filter((v): v is string => typeof v === 'string' && v.length >= MIN_SECRET_LENGTH).map((v) => `${JSON.stringify(v)}\n`);
  if (!dir || !lines.length) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${process.pid}.txt`), lines.join(''));
}

/** Remembers a secret the suite used, for the scan at the end. */
export function registerSecret(value: unknown): void {
  remember('secrets', [value]);
}

/**
 * Registers every string under a secret-named key (password, token, …) at any depth of a request or response, and
 * every other string as public: the suite sends the same hostile strings as passwords and as ordinary fields (a
 * crontab command of 998 "x" holds the 256-"x" password), and a secret the suite itself sent in the clear in an
 * ordinary field proves nothing when a log holds it. The GraphQL document itself is neither.
 */
export function registerSecretsIn(value: unknown, from: 'request' | 'response'): void {
  const found = { secrets: [] as string[], public: [] as string[] };
  collectStrings(value, from, found, 0);
  remember('secrets', found.secrets);
  remember('public', found.public);
}

function collectStrings(value: unknown, from: 'request' | 'response', found: { secrets: string[]; public: string[] }, depth: number): void {
  if (value === null || typeof value !== 'object' || depth > 10) return;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') {
      if (isSecretKey(key)) found.secrets.push(item);
      // Only what the suite sent: a secret a response showed in an ordinary field must not excuse itself.
      else if (from === 'request' && key !== 'query') found.public.push(item);
    } else collectStrings(item, from, found, depth + 1);
  }
}

function registered(root: string, kind: 'secrets' | 'public'): Set<string> {
  const dir = join(root, kind);
  const values = new Set<string>();
  if (!existsSync(dir)) return values;
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) if (line) values.add(JSON.parse(line) as string);
  }
  return values;
}

/** Each secret found in a log: which log, and the secret masked (never printed whole). */
export function findSecretsInLogs(root: string): { log: string; secret: string; where: string }[] {
  const logs = join(root, 'logs');
  if (!existsSync(logs)) return [];
  const publicValues = [...registered(root, 'public')];
  const values = [...registered(root, 'secrets')].filter((secret) => !publicValues.some((value) => value.includes(secret)));
  const found: { log: string; secret: string; where: string }[] = [];
  for (const file of readdirSync(logs)) {
    const lines = readFileSync(join(logs, file), 'utf8').split('\n');
    for (const value of values) {
      // A log line is JSON: the secret may appear escaped.
      const escaped = JSON.stringify(value).slice(1, -1);
      const line = lines.find((l) => l.includes(value) || l.includes(escaped));
      if (line !== undefined) found.push({ log: file, secret: mask(value), where: whereLogged(line, value, escaped) });
    }
  }
  return found;
}

function mask(value: string): string {
  return `${value.slice(0, 2)}…(${value.length} chars)`;
}

/** The line's message and keys with the secret masked, so a failure says which log statement leaked it. */
function whereLogged(line: string, value: string, escaped: string): string {
  const masked = line.split(value).join('<secret>').split(escaped).join('<secret>');
  return masked.length > 400 ? `${masked.slice(0, 400)}…` : masked;
}
