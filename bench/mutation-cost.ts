/**
 * The API side of a change (issue 17, session 8): what one GraphQL mutation changing one crontab line costs in the
 * API process and in PostgreSQL, from the HTTP request to the commit of the line, its operation and script run (the
 * outbox) and the wake-up of its server's queue. Embedded PostgreSQL, a Temporal dev server in memory (the wake-up is
 * a real signal-with-start; no worker runs the queues: nothing runs on hosts), 8 servers (rows only), user `mcN`
 * with one crontab line routed to server N only. `--clients` GraphQL clients (this process), client i changing the
 * line of server i, mutation after mutation, for `--seconds` after a warm-up, against the API in a process of its own
 * (bench/mutation-cost-api.ts), whose CPU, PostgreSQL's CPU (postmaster and backends) and the statements the API sent
 * are counted per mutation.
 *
 *   node_modules/.bin/node --import ./scripts/register.js bench/mutation-cost.ts [--seconds=8] [--rounds=2]
 *     [--clients=4] [--before=<checkout>] [--profile]
 *
 * `--before`: an older checkout's API as one more contender (a directory with that commit's src/, package.json,
 * tsconfig.json, scripts/register.js and a node_modules link, as for bench/commit-throughput.ts), interleaved round by
 * round with this checkout over the same database, order reversed every other round.
 * `--profile`: after the rounds, this checkout's API under V8's CPU profiler for `--seconds` at the same load: its busy
 * time per mutation by part of the path (bench/cpu-profile-parts.ts) and the top functions and packages.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOrm } from '../src/db/orm.js';
import { bootstrapFirstAdmin } from '../src/auth/bootstrap.js';
import { issueSessionToken } from '../src/auth/session-token.js';
import { User } from '../src/entities/auth/user.js';
import { toGlobalId } from '../src/schema/relay/global-id.js';
import { startTemporalDevServer } from '../src/embedded/temporal-dev-server.js';
import { freePort } from '../src/embedded/free-port.js';
import { flag, machineLoad, now, pct, ratio, startBenchPostgres, table } from './orchestration-common.js';
import { seedRoutedCrontabLine } from './routed-crontab-line.js';
import { summariseCpuProfile, type CpuProfile } from './cpu-profile-summary.js';
import { partsTable, profileParts } from './cpu-profile-parts.js';

const log = (message: string) => console.error(`[bench] ${message}`);
const SERVERS = 8;
const TOKEN_SECRET = 'bench-secret-bench-secret-bench-secret-01';
const here = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(flag('seconds') ?? 8);
const rounds = Number(flag('rounds') ?? 2);
const clients = Number(flag('clients') ?? 4);
const before = flag('before');
const QUERY = 'mutation ($input: UpdateCrontabInput!) { updateCrontab(input: $input) { crontab { id } userErrors { field message } } }';

interface Contender {
  name: string;
  root: string;
}
interface Sample {
  mutations: number;
  seconds: number;
  apiCpuMs: number;
  postgresCpuMs: number;
  temporalCpuMs: number;
  statements: number;
  byKind: Record<string, number>;
  latencies: number[];
}

/** User + system CPU ms of a process, of its reaped children and, recursively, of its live children (/proc). */
function processTreeCpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return own + children.reduce((sum, child) => sum + processTreeCpuMs(child), 0);
}

/** 8 servers, account and main user mcN with one crontab line routed to server N only; an admin's session token. */
async function seed(url: string): Promise<{ lines: string[]; token: string }> {
  const orm = await createOrm(url);
  try {
    await bootstrapFirstAdmin(orm);
    const lines: string[] = [];
    for (let n = 1; n <= SERVERS; n++) lines.push(toGlobalId('Crontab', await seedRoutedCrontabLine(orm, `mc${n}`, `mc${n}`, `192.0.2.${n}`)));
    const admin = await orm.em.fork().findOneOrFail(User, { username: 'admin' });
    return { lines, token: issueSessionToken(TOKEN_SECRET, admin, 24 * 3600).token };
  } finally {
    await orm.close(true);
  }
}

interface Api {
  url: string;
  child: ChildProcess;
  /** Sends a command line; resolves with the first output line starting with `answer`. */
  ask(command: string, answer: string): Promise<string>;
  stop(): Promise<void>;
}

async function startApi(contender: Contender, databaseUrl: string, temporalAddress: string): Promise<Api> {
  const job = { root: contender.root, databaseUrl, temporalAddress, tokenSecret: TOKEN_SECRET };
  const child = spawn(process.execPath, ['--import', './scripts/register.js', resolve(here, 'bench/mutation-cost-api.ts'), JSON.stringify(job)], {
    cwd: contender.root,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const waiting: { prefix: string; resolve: (line: string) => void }[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const at = waiting.findIndex((w) => line.startsWith(w.prefix));
      if (at >= 0) waiting.splice(at, 1)[0].resolve(line);
    }
  });
  const expect = (prefix: string) => new Promise<string>((done) => waiting.push({ prefix, resolve: done }));
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  const ready = await Promise.race([expect('ready '), exited.then(() => Promise.reject(new Error(`${contender.name}: the API exited before it was ready`)))]);
  return {
    url: ready.slice('ready '.length),
    child,
    ask(command, answer) {
      const answered = expect(answer);
      child.stdin!.write(`${command}\n`);
      return answered;
    },
    async stop() {
      child.stdin!.end();
      await exited;
    },
  };
}

let counter = 0;

/** `clients` loops, client i changing server i's line, until `seconds` have passed; the latency of each mutation. */
async function drive(url: string, token: string, lines: string[], forSeconds: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  const end = now() + forSeconds * 1000;
  const once = (line: string) =>
    new Promise<void>((done, fail) => {
      const payload = JSON.stringify({ query: QUERY, variables: { input: { id: line, command: `echo mutation-${++counter}` } } });
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(payload) } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => {
          const parsed = JSON.parse(body) as { errors?: unknown[]; data?: { updateCrontab: { userErrors: unknown[] } } };
          if (parsed.errors?.length || !parsed.data || parsed.data.updateCrontab.userErrors.length) fail(new Error(body));
          else done();
        });
      });
      req.on('error', fail);
      req.end(payload);
    });
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      while (now() < end) {
        const t = now();
        await once(lines[i % lines.length]);
        latencies.push(now() - t);
      }
    }),
  );
  agent.destroy();
  return latencies;
}

async function measure(api: Api, token: string, lines: string[], pids: { postgres: number; temporal: number }): Promise<Sample> {
  await drive(api.url, token, lines, 2); // warm-up: compiled operation, connections, JIT
  await api.ask('reset', 'reset');
  const cpu = () => ({ api: processTreeCpuMs(api.child.pid!), postgres: processTreeCpuMs(pids.postgres), temporal: processTreeCpuMs(pids.temporal) });
  const start = cpu();
  const t = now();
  const latencies = await drive(api.url, token, lines, seconds);
  const elapsed = (now() - t) / 1000;
  const end = cpu();
  const stats = JSON.parse((await api.ask('stats', 'stats ')).slice('stats '.length)) as { statements: number; byKind: Record<string, number> };
  return {
    mutations: latencies.length,
    seconds: elapsed,
    apiCpuMs: end.api - start.api,
    postgresCpuMs: end.postgres - start.postgres,
    temporalCpuMs: end.temporal - start.temporal,
    statements: stats.statements,
    byKind: stats.byKind,
    latencies,
  };
}

const postgres = await startBenchPostgres('orchestra_bench');
const temporal = await startTemporalDevServer({ port: await freePort(), uiPort: null, dbFile: null, namespace: 'default' });
try {
  const { lines, token } = await seed(postgres.url);
  const postgresPid = Number(readFileSync(join(postgres.dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const pids = { postgres: postgresPid, temporal: temporal.process.pid! };
  const contenders: Contender[] = [{ name: 'this checkout', root: here }];
  if (typeof before === 'string') contenders.unshift({ name: `--before (${before})`, root: resolve(before) });
  const samples = new Map<string, Sample[]>();
  const loads: string[] = [machineLoad()];
  for (let round = 0; round < rounds; round++) {
    for (const contender of round % 2 ? [...contenders].reverse() : contenders) {
      log(`round ${round + 1}: ${contender.name}`);
      const api = await startApi(contender, postgres.url, temporal.address);
      try {
        samples.set(contender.name, [...(samples.get(contender.name) ?? []), await measure(api, token, lines, pids)]);
      } finally {
        await api.stop();
      }
      loads.push(machineLoad());
    }
  }
  const sum = (list: Sample[], f: (s: Sample) => number) => list.reduce((s, x) => s + f(x), 0);
  const rows: (string | number)[][] = [];
  const base = samples.get(contenders[0].name)!;
  const perMutation = (list: Sample[], f: (s: Sample) => number) => sum(list, f) / sum(list, (s) => s.mutations);
  for (const contender of contenders) {
    const list = samples.get(contender.name)!;
    const latencies = list.flatMap((s) => s.latencies);
    rows.push([
      contender.name,
      sum(list, (s) => s.mutations),
      (sum(list, (s) => s.mutations) / sum(list, (s) => s.seconds)).toFixed(1),
      pct(latencies, 50).toFixed(1),
      perMutation(list, (s) => s.apiCpuMs).toFixed(1),
      ratio(perMutation(list, (s) => s.apiCpuMs), perMutation(base, (s) => s.apiCpuMs)),
      perMutation(list, (s) => s.postgresCpuMs).toFixed(1),
      ratio(perMutation(list, (s) => s.postgresCpuMs), perMutation(base, (s) => s.postgresCpuMs)),
      perMutation(list, (s) => s.temporalCpuMs).toFixed(1),
      perMutation(list, (s) => s.statements).toFixed(1),
    ]);
  }
  console.log(`\n### One crontab line changed through GraphQL: ${clients} clients, ${SERVERS} servers, ${rounds} rounds × ${seconds} s\n`);
  console.log(
    table(
      ['contender', 'mutations', 'mutations/s', 'p50 ms', 'API CPU ms/mutation', `vs ${contenders[0].name}`, 'PostgreSQL CPU ms/mutation', `vs ${contenders[0].name}`, 'Temporal CPU ms/mutation', 'statements/mutation'],
      rows,
      1,
    ),
  );
  for (const contender of contenders) {
    const list = samples.get(contender.name)!;
    const kinds = new Map<string, number>();
    for (const s of list) for (const [kind, n] of Object.entries(s.byKind)) kinds.set(kind, (kinds.get(kind) ?? 0) + n);
    const mutations = sum(list, (s) => s.mutations);
    console.log(`\nStatements per mutation, ${contender.name}:\n`);
    console.log(
      table(
        ['statement (literals folded)', 'per mutation'],
        [...kinds.entries()].sort((a, b) => b[1] - a[1]).map(([kind, n]) => [`\`${kind.slice(0, 160).replace(/\|/g, '\\|')}\``, (n / mutations).toFixed(2)]),
        1,
      ),
    );
  }
  console.log(`\nLoad average before and after each contender's turn: ${loads.join(' → ')}`);

  if (flag('profile')) {
    const file = join(mkdtempSync(join(tmpdir(), 'orchestra-mutation-profile-')), 'api.cpuprofile');
    const api = await startApi({ name: 'this checkout (profiled)', root: here }, postgres.url, temporal.address);
    try {
      await drive(api.url, token, lines, 2);
      await api.ask('profile-start', 'profiling');
      const latencies = await drive(api.url, token, lines, seconds);
      await api.ask(`profile-stop ${file}`, 'profiled');
      const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
      console.log(`\n### Profile of the API: ${latencies.length} mutations in ${seconds} s under the profiler (${machineLoad()}); kept in ${file}\n`);
      console.log(partsTable(profileParts(profile), latencies.length));
      console.log('');
      console.log(summariseCpuProfile(profile, 30));
    } finally {
      await api.stop();
    }
  }
} finally {
  await temporal.stop();
  await postgres.stop();
}
