/**
 * Commit throughput of the outbox (issue 17): crontab changes committed through the real use case (runUseCase →
 * collector → outbox, no Temporal: batches stay for the relay), by 1, 2, 4 and 8 clients, each on a server of its
 * own among 8. With one installation-wide lock every commit waits for the one before; with per-server locks
 * (src/orchestration/outbox/server-locks.ts) commits for different servers overlap until CPU is the limit.
 *
 *   node_modules/.bin/node --import ./scripts/register.js bench/commit-throughput.ts [--seconds=5] [--rounds=2]
 *     [--clients=1,2,4,8] [--before=<checkout of an older commit>]
 *
 * `--before`: the same clients loading Orchestra from another checkout (a directory with that commit's src/,
 * package.json and tsconfig.json and a node_modules link, e.g. `mkdir -p .cache/before && git archive 411d404 src
 * package.json tsconfig.json | tar -x -C .cache/before && ln -s ../../node_modules .cache/before/node_modules`), as
 * one more contender, interleaved with this checkout round by round over the same database (embedded PostgreSQL).
 * Each contender's clients are one process (an API process's worth of requests in flight); its CPU is reported.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { createOrm } from '../src/db/orm.js';
import { flag, machineLoad, ratio, startBenchPostgres, table } from './orchestration-common.js';
import { seedRoutedCrontabLine } from './routed-crontab-line.js';

const log = (message: string) => console.error(`[bench] ${message}`);
const SERVERS = 8;
const here = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(flag('seconds') ?? 5);
const rounds = Number(flag('rounds') ?? 2);
const clientCounts = String(flag('clients') ?? '1,2,4,8').split(',').map(Number);
const before = flag('before');

interface Contender {
  name: string;
  root: string;
}
interface Cell {
  clients: number;
  commits: number;
  seconds: number;
  cpuMs: number;
}

/** 8 servers (rows only: nothing runs), user bcN with one crontab line routed to server N only. Returns the line ids. */
async function seed(url: string): Promise<string[]> {
  const orm = await createOrm(url);
  const lines: string[] = [];
  for (let n = 1; n <= SERVERS; n++) lines.push(await seedRoutedCrontabLine(orm, `bench${n}`, `bc${n}`, `192.0.2.${n}`));
  await orm.close(true);
  return lines;
}

function runClients(contender: Contender, databaseUrl: string, lines: string[]): Promise<Cell[]> {
  const input = { root: contender.root, databaseUrl, lines, clients: clientCounts, seconds, warmupSeconds: 1 };
  const child = spawn(process.execPath, ['--import', './scripts/register.js', resolve(here, 'bench/commit-throughput-clients.ts'), JSON.stringify(input)], {
    cwd: contender.root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((done, fail) =>
    child.on('exit', (code) => (code === 0 ? done(out.split('\n').filter((l) => l.startsWith('{"clients"')).map((l) => JSON.parse(l) as Cell)) : fail(new Error(`${contender.name}: clients exited ${code}`)))),
  );
}

const postgres = await startBenchPostgres('orchestra_bench');
try {
  const lines = await seed(postgres.url);
  const contenders: Contender[] = [{ name: 'per-server locks (this checkout)', root: here }];
  if (typeof before === 'string') contenders.unshift({ name: `--before checkout (${before})`, root: resolve(before) });
  const cells = new Map<string, Cell[]>(); // `${contender}|${clients}` → samples
  const loads: string[] = [machineLoad()];
  for (let round = 0; round < rounds; round++) {
    for (const contender of round % 2 ? [...contenders].reverse() : contenders) {
      log(`round ${round + 1}: ${contender.name}`);
      for (const cell of await runClients(contender, postgres.url, lines)) {
        const key = `${contender.name}|${cell.clients}`;
        cells.set(key, [...(cells.get(key) ?? []), cell]);
      }
      loads.push(machineLoad());
    }
  }
  const rate = (samples: Cell[]) => samples.reduce((s, c) => s + c.commits, 0) / samples.reduce((s, c) => s + c.seconds, 0);
  const cpu = (samples: Cell[]) => samples.reduce((s, c) => s + c.cpuMs, 0) / samples.reduce((s, c) => s + c.commits, 0);
  const rows: (string | number)[][] = [];
  for (const contender of contenders) {
    const one = rate(cells.get(`${contender.name}|${clientCounts[0]}`)!);
    for (const clients of clientCounts) {
      const samples = cells.get(`${contender.name}|${clients}`)!;
      const base = rate(cells.get(`${contenders[0].name}|${clients}`)!);
      rows.push([
        contender.name,
        clients,
        samples.reduce((s, c) => s + c.commits, 0),
        rate(samples).toFixed(1),
        ratio(rate(samples), one),
        ratio(rate(samples), base),
        cpu(samples).toFixed(1),
      ]);
    }
  }
  console.log(`\n### Commit throughput, ${SERVERS} servers, each client on its own server (${rounds} rounds × ${seconds} s per cell)\n`);
  console.log(table(['contender', 'clients', 'commits', 'commits/s', `vs ${clientCounts[0]} client`, `vs ${contenders[0].name}`, 'client-process CPU ms/commit'], rows, 1));
  console.log(`\nLoad average before and after each contender's turn: ${loads.join(' → ')}`);
} finally {
  await postgres.stop();
}
