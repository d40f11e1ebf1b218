import { Arg, Authorized, ID, Resolver, Subscription, type SubscribeResolverData } from 'type-graphql';
import { Operation } from '../../entities/orchestration/operation.js';
import { FINAL_STATES } from '../../entities/orchestration/run-state.js';
import { NotFoundError } from '../../errors/domain-error.js';
import type { Context } from '../context.js';
import { idOf } from '../relay/global-id.js';
import { OperationNode } from './operation.types.js';
import { Parent } from '../parent.js';

/**
 * Streams an operation's state: its current state first, then every change until a final one. Scoped like every
 * query: an account user can follow only their own account's operations.
 *
 * The id is checked and the operation loaded before the stream is returned, so a bad, unknown or hidden id is a
 * typed error (BAD_USER_INPUT, NOT_FOUND) as in `operation(id)`: graphql-js reports errors of `subscribe` itself, but
 * an error thrown while iterating the stream escapes as an internal one. Nothing is populated: a populated script run
 * (admin-only, so hidden by the tenant scope) would hide the operation itself from account users.
 */
async function operationUpdates({ args, context }: SubscribeResolverData<unknown, { id: string }, Context>): Promise<AsyncGenerator<Operation>> {
  const id = idOf('Operation', args.id);
  const load = () => context.em.fork().findOne(Operation, { id });
  const first = await load();
  if (!first) throw new NotFoundError('Operation');
  const abort = new AbortController();
  // Subscribe before returning the current state, so no change in between is lost.
  const events = context.runStates.subscribe(abort.signal);
  return (async function* stream() {
    try {
      yield first;
      if (FINAL_STATES.includes(first.state)) return;
      for await (const event of events) {
        if (event.runId !== first.run.id) continue;
        const op = await load();
        if (!op) return;
        yield op;
        if (FINAL_STATES.includes(op.state)) return;
      }
    } finally {
      abort.abort();
    }
  })();
}

@Resolver()
export class OperationSubscriptionResolver {
  @Authorized()
  @Subscription(() => OperationNode, {
    subscribe: operationUpdates as never,
    description: 'The operation now, then each state change until it is final (graphql-ws on /graphql).',
  })
  operationUpdated(@Parent() operation: Operation, @Arg('id', () => ID) _id: string): Operation {
    return operation;
  }
}
