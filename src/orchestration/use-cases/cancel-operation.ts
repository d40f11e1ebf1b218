import type { Client } from '@temporalio/client';
import { noteTouched } from '../../audit/audit-note.js';
import type { Operation } from '../../entities/orchestration/operation.js';
import { RunState } from '../../entities/orchestration/run-state.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import type { UseCase } from '../../use-cases/use-case.js';
import { cancelRunningScript, recordCancelIntent } from '../cancel.js';
import { findOperation } from '../find-operation.js';

const CANCELLABLE: readonly RunState[] = [RunState.RECEIVED, RunState.STARTED, RunState.RETRYING];

/**
 * An operator cancels an operation's script (and so every operation in it), step 1 of 2 (see ../cancel.ts): records
 * the intent; a script not started yet is REVOKED at once. Returns whether it had started: then, after commit, call
 * `killCancelledScript`.
 */
export async function cancelOperation({ em, actor, audit }: UseCase, id: string): Promise<{ operation: Operation; started: boolean }> {
  const operation = await findOperation(em, id, ['run', 'server']);
  noteTouched(audit, operation.account ? { id: operation.account.id, username: operation.accountUsername } : null, id);
  const run = operation.run.getEntity();
  if (!CANCELLABLE.includes(run.state)) throw new UserInputError('id', `the operation is ${run.state}: nothing to cancel`, UserErrorCode.NOT_ALLOWED);
  const { started } = await recordCancelIntent(em, run, actor.name);
  return { operation, started };
}

/** Step 2, after the intent is committed: the server queue carrying the script is told (cancelRun); its activity kills it. */
export function killCancelledScript(em: UseCase['em'], temporal: Client, taskQueue: string, operation: Operation): Promise<void> {
  return cancelRunningScript(em, temporal, taskQueue, operation.run.id);
}
