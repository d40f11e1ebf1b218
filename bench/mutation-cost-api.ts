/**
 * The API process of bench/mutation-cost.ts: Orchestra's API as `startApi` builds it, loaded from the checkout given
 * as `root` (this one, or `--before`'s), in a process of its own so that its CPU is its own and it can be profiled.
 * argv[2] is JSON: { root, databaseUrl, temporalAddress, tokenSecret }. Prints `ready <url>` on stdout, then answers
 * commands read from stdin, one a line:
 *
 *   - `reset`: forgets the statements counted so far;
 *   - `stats`: prints `stats {"statements": n, "byKind": {kind: n}}` — every statement this process sent to
 *     PostgreSQL since the last reset (counted at node-postgres's `Client.query`, so BEGIN and COMMIT too), by kind
 *     (its text with literals and parameter lists folded);
 *   - `profile-start`, `profile-stop <file>`: V8's CPU profiler (node:inspector), written to file; prints `profiled`.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';

interface Job {
  root: string;
  databaseUrl: string;
  temporalAddress: string;
  tokenSecret: string;
}

const job = JSON.parse(process.argv[2]) as Job;
const load = (path: string) => import(pathToFileURL(join(job.root, path)).href);

/** A statement's kind: its text with string and number literals, `$n` parameters and `in (…)` lists folded. */
export function statementKind(text: string): string {
  return text
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/\$\d+/g, '?')
    .replace(/\b\d+\b/g, 'N')
    .replace(/\((?:\s*\?\s*,)+\s*\?\s*\)/g, '(?…)')
    .replace(/\s+/g, ' ')
    .trim();
}

let statements = 0;
let byKind = new Map<string, number>();
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
  const first = args[0] as string | { text?: string } | undefined;
  const text = typeof first === 'string' ? first : (first?.text ?? '');
  statements++;
  const kind = statementKind(text);
  byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;

const session = new Session();
session.connect();
const post = <T>(method: string): Promise<T> =>
  new Promise((resolve, reject) => session.post(method, (err, result) => (err ? reject(err) : resolve(result as T))));

const { loadConfig } = await load('src/config/config.ts');
const { createOrm } = await load('src/db/orm.ts');
const { startApi } = await load('src/api/app.ts');
const config = loadConfig({
  DATABASE_URL: job.databaseUrl,
  TEMPORAL_ADDRESS: job.temporalAddress,
  ORCHESTRA_TOKEN_SECRET: job.tokenSecret,
  ORCHESTRA_SSH_KEY: '/nonexistent/bench-key',
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
});
const orm = await createOrm(job.databaseUrl);
const temporal = new Client({ connection: Connection.lazy({ address: config.temporalAddress }), namespace: config.temporalNamespace });
const api = await startApi({ config, orm, temporal });
process.stdout.write(`ready ${api.url}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const [command, argument] = line.split(' ');
  if (command === 'reset') {
    statements = 0;
    byKind = new Map();
    process.stdout.write('reset\n');
  } else if (command === 'stats') {
    process.stdout.write(`stats ${JSON.stringify({ statements, byKind: Object.fromEntries(byKind) })}\n`);
  } else if (command === 'profile-start') {
    await post('Profiler.enable');
    await post('Profiler.start');
    process.stdout.write('profiling\n');
  } else if (command === 'profile-stop') {
    const { profile } = await post<{ profile: unknown }>('Profiler.stop');
    writeFileSync(argument, JSON.stringify(profile));
    process.stdout.write('profiled\n');
  }
}
await api.close();
await orm.close(true);
process.exit(0);
