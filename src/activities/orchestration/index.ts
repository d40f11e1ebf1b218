import type { OrchestrationActivities } from '../../workflows/contracts/orchestration.js';
import type { ActivityDeps } from '../activity-deps.js';
import { claimNextRunActivity } from './claim-next-run.js';
import { markRunActivity } from './mark-run.js';
import { relayBatchesActivity } from './relay-batches.js';
import { runScriptActivity } from './run-script.js';

/** The orchestration workflows' activities: claim a server's next scripts, run them over SSH, relay the outbox. */
export function orchestrationActivities(deps: ActivityDeps): OrchestrationActivities {
  return {
    claimNextRun: claimNextRunActivity(deps),
    runScript: runScriptActivity(deps),
    markRun: markRunActivity(deps),
    relayBatches: relayBatchesActivity(deps),
  };
}
