// Bench-only workflow (bundled by bench/orchestration-common.ts for its own task queue): the floor and the naive
// baseline the orchestration benchmarks compare the engine with. One workflow, one activity, nothing stored.
// Workflow code: imports only @temporalio/workflow and types (as src/workflows/*).
import { proxyActivities } from '@temporalio/workflow';
import type { BenchActivities } from './orchestration-common.js';
import type { ServerEndpoint } from '../src/orchestration/types.js';

const { warmExec, freshExec } = proxyActivities<BenchActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 1 },
});

/** Runs `script` on `server` through one activity: on the worker's warm pooled connection, or on a new one. */
export async function benchExecWorkflow(input: { server: ServerEndpoint; script: string; fresh: boolean }): Promise<number | null> {
  return input.fresh ? freshExec(input.server, input.script) : warmExec(input.server, input.script);
}
