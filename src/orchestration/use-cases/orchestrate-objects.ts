import type { UseCase } from '../../use-cases/use-case.js';
import { planOrchestrate, type OrchestrateArgs } from '../orchestrate-command.js';
import { writeOutbox } from '../outbox/write-outbox.js';
import { planUnderServerLocks } from '../outbox/server-locks.js';

/**
 * The `orchestrate` command's change: a save of every object of a model matching its filters, on the servers their
 * routes select (narrowed by server and backend), queued as one batch. Returns the batch id, or null when no route
 * selects anything.
 */
export async function orchestrateObjects({ em, actor }: UseCase, args: OrchestrateArgs): Promise<string | null> {
  const groups = await planUnderServerLocks(em, (planner) => planOrchestrate(planner, args));
  return groups.length ? writeOutbox(em, groups, actor.name) : null;
}
