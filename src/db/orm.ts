import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { ormOptions } from './orm-config.js';
import { installOutbox } from '../orchestration/outbox/outbox-registry.js';
import { UnsavedIds } from './unsaved-ids.js';
import { OrderCollector } from '../billing/orders/order-collector.js';
import { CommitRiderSender } from './commit-riders.js';

export type Orm = MikroORM;

export async function createOrm(databaseUrl: string, extra: Partial<Options> = {}): Promise<Orm> {
  const orm = await MikroORM.init(ormOptions(databaseUrl, extra));
  installOutbox(orm);
  orm.em.getEventManager().registerSubscriber(new UnsavedIds());
  // Orders are written in the committing transaction too (src/billing/orders/order-collector.ts).
  orm.em.getEventManager().registerSubscriber(new OrderCollector());
  // Last: sends what a transaction owes at its commit that no earlier statement carried (src/db/commit-riders.ts).
  orm.em.getEventManager().registerSubscriber(new CommitRiderSender());
  return orm;
}

/** Applies every pending committed migration; returns the names applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((m) => m.name);
}
