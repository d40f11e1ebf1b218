import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { ormOptions } from './orm-config.js';

export type Orm = MikroORM;

export async function createOrm(databaseUrl: string, extra: Partial<Options> = {}): Promise<Orm> {
  return MikroORM.init(ormOptions(databaseUrl, extra));
}

/** Applies every pending committed migration; returns the names applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((m) => m.name);
}
