import type { BackendSpec } from '../backend.js';
import { DATABASE_USER_MATCH_FIELDS, isOfEngine, validateUserSnapshot, type DatabaseEngine, type DatabaseUserSnapshot } from './database-snapshots.js';

/**
 * What every engine's database-user backend declares alike: the model, its snapshot (the engine's own hash format
 * checked by `hashProblem`), what routes match on, and that it serves only users of its engine. Each backend adds its
 * name, description and script.
 */
export function databaseUserBackendBase(
  backend: string,
  engine: DatabaseEngine,
  hashProblem: (hash: string) => string | null,
): Omit<BackendSpec<DatabaseUserSnapshot>, 'name' | 'description' | 'section'> {
  const snapshotOf = (raw: unknown, fromSource: boolean) => validateUserSnapshot(raw, fromSource, backend, engine, hashProblem);
  return {
    model: 'DatabaseUser',
    ignoredFields: ['createdAt', 'updatedAt'],
    actions: ['save', 'delete'],
    timeoutMs: 5 * 60_000,
    matchFields: DATABASE_USER_MATCH_FIELDS,
    booleanMatchFields: ['databaseuser.isActive'],
    serves: (source) => isOfEngine(source, engine),
    snapshot: (source) => snapshotOf(source, true),
    parseSnapshot: (raw) => snapshotOf(raw, false),
    matchContext: (s) => ({
      databaseuser: { username: s.username, isActive: s.isActive },
      account: { username: s.accountUsername, type: s.accountType },
    }),
    label: (s) => s.username,
  };
}
