/**
 * The GraphQL read path (issue 9): one list page, `accounts(first: 50)` with scalar fields, contacts and totalCount,
 * over 1,000 accounts with 2 contacts each, served by
 *   - the floor: raw SQL (3 statements) + JSON by hand behind node:http;
 *   - the resolvers' calls (authentication, tenant scope, paginate, contacts loader query: plain SQL through MikroORM's
 *     connection since issue 9's sixth session, MikroORM's query builder before), no GraphQL;
 *   - Orchestra's API over HTTP (startApi), one process;
 *   - Orchestra's API, two processes sharing one port (ORCHESTRA_API_PROCESSES=2, src/api/api-processes.ts).
 * Every server is a process of its own (bench/graphql-read-server.ts), and so are the clients
 * (bench/graphql-read-clients.ts: node:http, keep-alive). Every response is checked byte for byte against the floor's
 * first one. Contenders and concurrencies are interleaved in rounds; the tables pool the rounds.
 *
 *   node_modules/.bin/node --import ./scripts/register.js bench/graphql-read.ts [--rounds=3] [--seconds=4] [--profile[=20]]
 *     [--before=<another checkout> --before-name=<label>]
 *
 * `--api-node-flags="…"`: Node options for this checkout's Orchestra API processes (not the floor's, MikroORM's or
 * the `--before` checkout's).
 *
 * `--before`: the API of another checkout of this repository (e.g. `git worktree add /tmp/before <commit>`, with its
 * node_modules) as one more contender, interleaved with the others: before and after in the same run.
 *
 * `--profile[=seconds]`: instead, runs the API alone at concurrency 1 under V8's CPU profiler (started after the
 * warm-up, through node:inspector in the server process) and prints the profile's top items (self time by function,
 * by package); the profile is kept where it says. `--profile-server=orm` (or `raw`) profiles that contender instead.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOrm } from '../src/db/orm.js';
import { bootstrapFirstAdmin } from '../src/auth/bootstrap.js';
import { issueSessionToken } from '../src/auth/session-token.js';
import { User } from '../src/entities/auth/user.js';
import { Account } from '../src/entities/accounts/account.js';
import { Contact } from '../src/entities/accounts/contact.js';
import { flag, machineLoad, mean, pct, ratio, startBenchPostgres, table } from './orchestration-common.js';
import { PAGE_QUERY, type ServerMode } from './graphql-read-server.js';
import { summariseCpuProfile } from './cpu-profile-summary.js';
import type { LoadJob, LoadResult } from './graphql-read-clients.js';

const log = (message: string) => console.error(`[bench] ${message}`);
const TOKEN_SECRET = 'bench-secret-bench-secret-bench-secret-01';
const ACCOUNTS = 1000;

/**
 * `--api-node-flags="--max-semi-space-size=32"`: Node options for this checkout's Orchestra API processes only (not
 * the `--before` checkout's), so that a flag alone can be measured against the same code without it.
 */
function nodeFlags(mode: ServerMode, checkout: string | undefined): string[] {
  const flags = flag('api-node-flags');
  return mode === 'graphql' && !checkout && typeof flags === 'string' ? flags.split(' ').filter(Boolean) : [];
}

interface BenchServer {
  name: string;
  url: string;
  child: ChildProcess;
  /** CPU ms this process and its children (the API processes of a cluster) have used so far (user + system, /proc). */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** User + system CPU ms of a process, of its reaped children and, recursively, of its live children (/proc). */
function processTreeCpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0; // exited meanwhile
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime + stime, and cutime + cstime: children it has reaped (PostgreSQL backends that ended, a replaced API
  // process), so the count never goes back when one exits between two readings. Clock ticks of 10 ms.
  const own = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return own + children.reduce((sum, child) => sum + processTreeCpuMs(child), 0);
}

async function startServer(name: string, mode: ServerMode, databaseUrl: string, profileFile?: string, checkout?: string, processes = 1): Promise<BenchServer> {
  const root = checkout ?? fileURLToPath(new URL('..', import.meta.url));
  const child = spawn(
    process.execPath,
    [...nodeFlags(mode, checkout), '--import', './scripts/register.js', 'bench/graphql-read-server.ts', JSON.stringify({ mode, databaseUrl, tokenSecret: TOKEN_SECRET, processes, profileFile })],
    // NODE_ENV as production runs the API (docker-compose.yml), for every contender alike.
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const untilReady = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /ready (\S+)\n/.exec(out);
      if (!m) return;
      // From now on its output (the API's log line per request) is read and dropped: kept and searched, it cost the
      // bench process CPU that grew with the run.
      child.stdout!.off('data', untilReady);
      child.stdout!.resume();
      resolve(m[1]);
    };
    child.stdout!.on('data', untilReady);
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready`)));
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    name,
    url,
    child,
    cpuMs() {
      return processTreeCpuMs(child.pid!);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

interface Sample {
  requests: number;
  seconds: number;
  latencies: number[];
  cpuMs: number;
  /** CPU ms of PostgreSQL (postmaster and its backends) and of the clients' process over the same interval. */
  postgresCpuMs: number;
  clientCpuMs: number;
}

/** The PostgreSQL server's pid (first line of postmaster.pid), so its CPU can be counted like the contenders'. */
let postgresPid: number | undefined;

/** The clients' process (bench/graphql-read-clients.ts), started once; `run` hands it one cell at a time. */
interface Clients {
  run(job: LoadJob): Promise<LoadResult>;
  stop(): void;
}

function startClients(): Clients {
  const child = spawn(process.execPath, ['--import', './scripts/register.js', 'bench/graphql-read-clients.ts'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced', // Buffers cross as they are
  });
  // One cell at a time: the answer to the job sent last, or the process's end.
  let pending: { resolve(result: LoadResult): void; reject(err: Error): void } | undefined;
  child.on('message', (result) => pending?.resolve(result as LoadResult));
  child.on('exit', (code) => pending?.reject(new Error(`the clients' process exited (${code})`)));
  return {
    run: (job) =>
      new Promise((resolve, reject) => {
        pending = { resolve, reject };
        child.send(job);
      }),
    stop: () => child.kill('SIGTERM'),
  };
}

let clients: Clients;

/**
 * `concurrency` clients in the clients' process, each sending the page query again as soon as its answer is read, for
 * `seconds`; client i talks to urls[i % urls.length]. Every body must equal `expected`.
 */
async function load(servers: BenchServer[], concurrency: number, seconds: number, token: string, expected: Buffer | null): Promise<Sample & { body: Buffer }> {
  const cpuBefore = servers.reduce((sum, s) => sum + s.cpuMs(), 0);
  const postgresBefore = postgresPid ? processTreeCpuMs(postgresPid) : 0;
  const result = await clients.run({ urls: servers.map((s) => s.url), concurrency, seconds, token, payload: JSON.stringify({ query: PAGE_QUERY }), expected });
  if (result.error) throw new Error(`${servers[0].name}: ${result.error}`);
  const cpuMs = servers.reduce((sum, s) => sum + s.cpuMs(), 0) - cpuBefore;
  const postgresCpuMs = (postgresPid ? processTreeCpuMs(postgresPid) : 0) - postgresBefore;
  return { requests: result.requests, seconds: result.seconds, latencies: result.latencies, cpuMs, postgresCpuMs, clientCpuMs: result.clientCpuMs, body: Buffer.from(result.body) };
}

async function seed(databaseUrl: string): Promise<string> {
  const orm = await createOrm(databaseUrl);
  try {
    await bootstrapFirstAdmin(orm);
    const em = orm.em.fork();
    const created = new Date('2026-01-01T00:00:00Z');
    for (let i = 0; i < ACCOUNTS; i++) {
      const n = String(i).padStart(4, '0');
      const account = em.create(Account, { username: `a${n}`, shortName: `Account ${n}`, fullName: `Account number ${n} of the bench`, createdAt: created, updatedAt: created });
      for (const x of ['a', 'b']) {
        em.create(Contact, {
          account,
          shortName: `c${n}${x}`,
          fullName: `Contact ${x} of ${n}`,
          email: `${x}${n}@example.org`,
          phone: '+34 930 000 000',
          address: `Carrer ${n}, ${x}`,
          city: 'Barcelona',
          zipcode: '08001',
          country: 'ES',
          createdAt: created,
          updatedAt: created,
        });
      }
    }
    await em.flush();
    // Statistics, as autovacuum keeps them in any database that has lived a minute: without them the planner takes
    // the fresh tables for 135 rows each and sorts the whole account table for a page and scans every contact for its
    // 50 accounts (PostgreSQL CPU per page ~2× — and autovacuum's analyze a minute into the run changed the plans under
    // the first round's cells).
    await em.getConnection().execute('analyze');
    const admin = await orm.em.fork().findOneOrFail(User, { username: 'admin' });
    return issueSessionToken(TOKEN_SECRET, admin, 24 * 3600).token;
  } finally {
    await orm.close(true);
  }
}

async function profile(databaseUrl: string, token: string, seconds: number, mode: ServerMode): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'orchestra-graphql-profile-')), `${mode}.cpuprofile`);
  const api = await startServer(`${mode} (profiled)`, mode, databaseUrl, file);
  try {
    await load([api], 1, 3, token, null); // warm-up
    api.child.kill('SIGUSR2'); // the profiler starts now
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sample = await load([api], 1, seconds, token, null);
    log(`profiled ${sample.requests} requests (${(sample.requests / sample.seconds).toFixed(1)} req/s under the profiler), ${machineLoad()}`);
  } finally {
    await api.stop();
  }
  console.log(`Profile: ${file} (open it in Chrome DevTools)\n`);
  console.log(summariseCpuProfile(JSON.parse(readFileSync(file, 'utf8'))));
}

async function main() {
  const rounds = Number(flag('rounds') ?? 3);
  const seconds = Number(flag('seconds') ?? 4);
  const profileFlag = flag('profile');
  const postgres = await startBenchPostgres('orchestra');
  clients = startClients();
  postgresPid = Number(readFileSync(join(postgres.dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const servers: BenchServer[] = [];
  try {
    const token = await seed(postgres.url);
    log(`seeded ${ACCOUNTS} accounts with 2 contacts each`);
    if (profileFlag) {
      await profile(postgres.url, token, profileFlag === true ? 20 : Number(profileFlag), (flag('profile-server') as ServerMode | undefined) ?? 'graphql');
      return;
    }
    const [raw, orm, api1, api2] = await Promise.all([
      startServer('raw', 'raw', postgres.url),
      startServer('orm', 'orm', postgres.url),
      startServer('graphql', 'graphql', postgres.url),
      startServer('graphql-2', 'graphql', postgres.url, undefined, undefined, 2),
    ]);
    servers.push(raw, orm, api1, api2);
    const contenders: { name: string; servers: BenchServer[]; concurrencies: number[] }[] = [
      { name: 'raw SQL (3 statements) + JSON, node:http', servers: [raw], concurrencies: [1, 8] },
      { name: 'the resolvers\' calls (MikroORM\'s connection), no GraphQL', servers: [orm], concurrencies: [1, 8] },
      { name: 'Orchestra GraphQL over HTTP, 1 process', servers: [api1], concurrencies: [1, 8] },
      { name: 'Orchestra GraphQL over HTTP, 2 processes (ORCHESTRA_API_PROCESSES=2)', servers: [api2], concurrencies: [8] },
    ];
    // Another checkout's API (an earlier commit) as one more contender, same data, same run.
    const before = flag('before');
    if (typeof before === 'string') {
      const old = await startServer('graphql-before', 'graphql', postgres.url, undefined, before);
      servers.push(old);
      contenders.push({ name: `Orchestra GraphQL over HTTP, 1 process, ${flag('before-name') ?? before}`, servers: [old], concurrencies: [1, 8] });
    }
    // The floor's body is the reference every other contender must match byte for byte; warm every server up.
    const reference = (await load([raw], 1, 1, token, null)).body;
    for (const c of contenders) await load(c.servers, 8, 2, token, reference);
    log(`warm; body ${reference.length} bytes; ${rounds} rounds of ${seconds} s per cell; ${machineLoad()}`);
    const results = new Map<string, Sample[]>();
    const loads: string[] = [machineLoad()];
    for (let r = 0; r < rounds; r++) {
      for (const c of r % 2 ? [...contenders].reverse() : contenders) {
        for (const conc of c.concurrencies) {
          const s = await load(c.servers, conc, seconds, token, reference);
          const key = `${c.name}|${conc}`;
          results.set(key, [...(results.get(key) ?? []), s]);
          log(`round ${r + 1}: ${c.name}, c=${conc}: ${(s.requests / s.seconds).toFixed(1)} req/s, ${(s.cpuMs / s.requests).toFixed(2)} CPU ms/req`);
        }
      }
      loads.push(machineLoad());
    }
    const rate = (key: string) => {
      const ss = results.get(key)!;
      return ss.reduce((a, s) => a + s.requests, 0) / ss.reduce((a, s) => a + s.seconds, 0);
    };
    const rows: (string | number)[][] = [];
    for (const conc of [1, 8]) {
      const floor = rate(`${contenders[0].name}|${conc}`);
      for (const c of contenders) {
        const ss = results.get(`${c.name}|${conc}`);
        if (!ss) continue;
        const lat = ss.flatMap((s) => s.latencies);
        const reqs = ss.reduce((a, s) => a + s.requests, 0);
        const cpu = ss.reduce((a, s) => a + s.cpuMs, 0) / reqs;
        const postgresCpu = ss.reduce((a, s) => a + s.postgresCpuMs, 0) / reqs;
        const clientCpu = ss.reduce((a, s) => a + s.clientCpuMs, 0) / reqs;
        // Cores the three used together while the cell ran: on 2 cores, near 2 means no CPU was left to add.
        const cores = ss.reduce((a, s) => a + s.cpuMs + s.postgresCpuMs + s.clientCpuMs, 0) / (ss.reduce((a, s) => a + s.seconds, 0) * 1000);
        rows.push([c.name, conc, rate(`${c.name}|${conc}`).toFixed(1), ratio(rate(`${c.name}|${conc}`), floor), pct(lat, 50).toFixed(1), pct(lat, 95).toFixed(1), mean(lat).toFixed(1), cpu.toFixed(2), postgresCpu.toFixed(2), clientCpu.toFixed(2), cores.toFixed(2)]);
      }
    }
    const scale = rate(`${contenders[3].name}|8`) / rate(`${contenders[2].name}|8`);
    console.log(`\n### accounts(first: 50) with contacts and totalCount: ${reference.length} bytes, ${rounds} rounds × ${seconds} s per cell\n`);
    console.log(table(['contender', 'concurrency', 'req/s', 'vs floor (same concurrency)', 'p50 ms', 'p95 ms', 'mean ms', 'server CPU ms/req', 'PostgreSQL CPU ms/req', 'clients CPU ms/req', 'cores busy (all three)'], rows, 1));
    console.log(`\nScale-out at concurrency 8: 2 API processes serve ${scale.toFixed(2)}× one.`);
    console.log(`Load average before and after each round: ${loads.join(' → ')}`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    clients.stop();
    await postgres.stop();
  }
}

await main();
