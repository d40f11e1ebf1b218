// What the observability code adds per change, measured alone (CPU of this process): the work one change makes it do
// — a request scope (AsyncLocalStorage), the GraphQL request line and its (filtered) debug line, the batch line, the
// script's two lines, a GraphQL and an SSH histogram observation — repeated, against the same loop without it.
// JSON lines go to /dev/null (the cost of writing them; shipping them is the log collector's).
//   node_modules/.bin/node --import ./scripts/register.js bench/observability-overhead.ts [--changes=100000]
// Not the end-to-end on/off comparison of the orchestration bench (see bench/README.md, "Observability").
import { pino } from 'pino';
import { createLogger } from '../src/observability/logger.js';
import { withLogContext, currentLogContext } from '../src/observability/log-context.js';
import { graphqlDuration, sshExecDuration } from '../src/observability/metrics/process-metrics.js';

const changes = Number(process.argv.find((a) => a.startsWith('--changes='))?.split('=')[1] ?? 100_000);
const log = createLogger({ level: 'info', destination: pino.destination({ dest: '/dev/null', sync: true }) });

function oneChange(i: number): void {
  withLogContext({ requestId: `req-${i}` }, () => {
    Object.assign(currentLogContext()!, { actor: 'admin', account: '1' });
    log.info({ batchId: String(i), scriptRunIds: [String(i)] }, 'batch written');
    log.debug({ variables: { input: { username: 'alice', password: 'secret' } } }, 'graphql request variables');
    log.info({ operation: 'updateCrontab', operationName: 'UpdateCrontab', type: 'mutation', durationMs: 12 }, 'graphql request');
    graphqlDuration.observe({ operation: 'updateCrontab', type: 'mutation' }, 0.012);
  });
  withLogContext({ workflowId: `run-${i}`, activity: 'runScript', attempt: '1', scriptRunId: String(i) }, () => {
    Object.assign(currentLogContext()!, { requestId: `req-${i}`, server: 'web1', backend: 'crontabs' });
    log.debug({ attempt: 1 }, 'script run starting');
    sshExecDuration.observe({ server: `web${i % 4}`, backend: 'crontabs', outcome: 'SUCCESS' }, 0.2);
    log.info({ state: 'SUCCESS', exitCode: 0 }, 'script run finished');
  });
}

function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

for (let i = 0; i < 5_000; i++) oneChange(i); // warm-up
const rounds: number[] = [];
for (let round = 0; round < 3; round++) rounds.push(cpuMs(() => { for (let i = 0; i < changes; i++) oneChange(i); }));
const best = Math.min(...rounds);
console.log(`${changes} changes, best of 3: ${best.toFixed(0)} CPU ms = ${((best / changes) * 1000).toFixed(1)} CPU µs per change (rounds: ${rounds.map((r) => r.toFixed(0)).join(', ')} ms)`);
