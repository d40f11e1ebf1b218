/**
 * The clients of bench/commit-throughput.ts, in a process of their own, loading Orchestra from the checkout given as
 * `root` (this one, or `--before`'s): each client commits crontab changes of its own server's user through the real
 * use case (runUseCase → collector → outbox), one after the other, for `seconds` after a warm-up. Prints one JSON
 * line per client count: commits, seconds, this process's CPU ms.
 *
 * Input (argv[2], JSON): { root, databaseUrl, lines: crontab ids (one per server), clients: [1, 2, …], seconds, warmupSeconds }
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

interface Input {
  root: string;
  databaseUrl: string;
  lines: string[];
  clients: number[];
  seconds: number;
  warmupSeconds: number;
}

const input = JSON.parse(process.argv[2]) as Input;
const load = (path: string) => import(pathToFileURL(join(input.root, path)).href);

const { createOrm } = await load('src/db/orm.ts');
const { runUseCase } = await load('src/use-cases/run-use-case.ts');
const { systemActor } = await load('src/use-cases/actor.ts');
const { updateCrontab } = await load('src/services/crontabs/crontab.use-cases.ts');
const { toGlobalId } = await load('src/schema/relay/global-id.ts');

const orm = await createOrm(input.databaseUrl, { pool: { min: 1, max: 10 } });
const lines = input.lines.map((id) => toGlobalId('Crontab', id) as string);
let counter = 0;

/** `clients` loops, client i on server i (its own crontab line), until `until`; returns the commits made. */
async function run(clients: number, until: number): Promise<number> {
  let commits = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      while (performance.now() < until) {
        const n = ++counter;
        const outcome = await runUseCase(orm.em.fork(), systemActor('bench'), 'updateCrontab', (uc: unknown) =>
          updateCrontab(uc, { id: lines[i % lines.length], command: `echo commit-${n}` }),
        );
        if (outcome.userErrors.length || outcome.batchIds.length !== 1) throw new Error(`commit ${n}: ${JSON.stringify(outcome)}`);
        commits++;
      }
    }),
  );
  return commits;
}

for (const clients of input.clients) {
  await run(clients, performance.now() + input.warmupSeconds * 1000);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const commits = await run(clients, start + input.seconds * 1000);
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ clients, commits, seconds, cpuMs: (used.user + used.system) / 1000 }));
}
await orm.close(true);
