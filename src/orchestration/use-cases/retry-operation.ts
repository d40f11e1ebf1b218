import type { EntityManager } from '@mikro-orm/postgresql';
import { noteTouched } from '../../audit/audit-note.js';
import { Operation } from '../../entities/orchestration/operation.js';
import { FINAL_STATES, RunState } from '../../entities/orchestration/run-state.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import type { UseCase } from '../../use-cases/use-case.js';
import { findOperation } from '../find-operation.js';
import { lockServers } from '../outbox/server-locks.js';
import { writeRetryBatch } from '../retry.js';

const RETRYABLE: readonly RunState[] = [RunState.FAILURE, RunState.ERROR, RunState.TIMEOUT, RunState.REVOKED];

/**
 * Whether a retry of this object on this server and backend has not ended yet: a retry of this operation, or of an
 * earlier or later retry of it (they share the object), so a chain of retries never runs twice at once.
 */
async function retryPending(em: EntityManager, op: Operation): Promise<boolean> {
  const pending = { retryOf: { $ne: null }, state: { $nin: [...FINAL_STATES] } };
  return (await em.count(Operation, { model: op.model, objectId: op.objectId, server: op.server.id, backend: op.backend, ...pending })) > 0;
}

/**
 * Runs a failed, timed-out or cancelled operation again from its stored snapshot, as a new operation in a new batch
 * (a delete can be retried after its object is gone); one retry at a time. Returns the batch id.
 */
export async function retryOperation({ em, actor, audit }: UseCase, id: string): Promise<string> {
  const op = await findOperation(em, id, ['run', 'server']);
  noteTouched(audit, op.account ? { id: op.account.id, username: op.accountUsername } : null, id);
  if (!RETRYABLE.includes(op.state)) {
    throw new UserInputError('id', `only failed, timed-out or cancelled operations can be retried; this one is ${op.state}`, UserErrorCode.NOT_ALLOWED);
  }
  // Under the server's outbox lock (kept until commit), so two retries at once cannot both find none pending.
  await lockServers(em, [op.server.id]);
  if (await retryPending(em, op)) throw new UserInputError('id', 'is already being retried: wait until that retry has ended', UserErrorCode.NOT_ALLOWED);
  return writeRetryBatch(em, [op], actor.name);
}
