import 'reflect-metadata';
import { defineConfig, DataloaderType, type Options } from '@mikro-orm/postgresql';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { Migrator } from '@mikro-orm/migrations';
import { fileURLToPath } from 'node:url';
import { ALL_ENTITIES } from '../entities/index.js';

const migrationsPath = fileURLToPath(new URL('./migrations', import.meta.url));

/** MikroORM options for a database URL. Schema changes go through committed migrations only. */
export function ormOptions(databaseUrl: string, extra: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    entities: ALL_ENTITIES,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    dataloader: DataloaderType.ALL,
    forceUtcTimezone: true,
    // Every entity carries its own tenant filter (src/auth/tenant-scope.ts); joining relations to apply their
    // filters would hide an account's operations behind the admin-only servers they ran on.
    autoJoinRefsForFilters: false,
    // Sources run as TypeScript (swc loader in production and tests alike).
    preferTs: true,
    migrations: { path: migrationsPath, pathTs: migrationsPath, transactional: true, allOrNothing: true, snapshot: false },
    debug: false,
    ...extra,
  });
}
