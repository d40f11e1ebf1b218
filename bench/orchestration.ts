// Both orchestration benchmarks (issue 3) in one environment: latency, then throughput.
//   node_modules/.bin/node --import ./scripts/register.js bench/orchestration.ts [--quick] [--n=30] [--changes=1000] [--parallel-naive]
// --quick: 10 latency samples and 200 changes (about 2 minutes instead of about 5). See bench/README.md.
// Needs root (host sandboxes), like the tests. Starts and stops its own PostgreSQL, Temporal dev server and sshd hosts.
import { flag, startBenchEnv } from './orchestration-common.js';
import { latencyBench, latencyN } from './orchestration-latency.js';
import { throughputBench, throughputChanges } from './orchestration-throughput.js';

const env = await startBenchEnv();
try {
  console.log(await latencyBench(env, latencyN()));
  console.log('');
  console.log(await throughputBench(env, throughputChanges(), !!flag('parallel-naive')));
} finally {
  await env.close();
}
