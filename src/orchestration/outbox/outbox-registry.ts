import type { MikroORM } from '@mikro-orm/postgresql';
import type { BatchStarter } from './batch-starter.js';
import { OutboxSubscriber } from './outbox-subscriber.js';
import { errorMessage, log } from '../../observability/logger.js';

interface Outbox {
  subscriber: OutboxSubscriber;
  starter: BatchStarter | null;
}

const outboxes = new WeakMap<MikroORM, Outbox>();

/**
 * Every ORM gets its collector at creation (src/db/orm.ts), so no process can change services without writing their
 * operations. A process that can reach Temporal sets a starter; without one, committed batches wait for the relay.
 */
export function installOutbox(orm: MikroORM, onStartError: (batchId: string, err: unknown) => void = logStartError): OutboxSubscriber {
  const outbox: Outbox = { subscriber: null as unknown as OutboxSubscriber, starter: null };
  outbox.subscriber = new OutboxSubscriber(() => outbox.starter, onStartError);
  orm.em.getEventManager().registerSubscriber(outbox.subscriber);
  outboxes.set(orm, outbox);
  return outbox.subscriber;
}

export function setBatchStarter(orm: MikroORM, starter: BatchStarter | null): void {
  const outbox = outboxes.get(orm);
  if (!outbox) throw new Error('this ORM has no outbox installed');
  outbox.starter = starter;
}

export function outboxOf(orm: MikroORM): OutboxSubscriber {
  const outbox = outboxes.get(orm);
  if (!outbox) throw new Error('this ORM has no outbox installed');
  return outbox.subscriber;
}

function logStartError(batchId: string, err: unknown): void {
  log.warn({ batchId, err: errorMessage(err) }, 'batch committed but not started yet (the relay will retry)');
}
