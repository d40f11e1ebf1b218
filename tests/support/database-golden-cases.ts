import type { Backend } from '../../src/orchestration/backends/backend.js';
import type { DatabaseSource, DatabaseUserSource } from '../../src/orchestration/backends/databases/database-snapshots.js';
import { mariadbDatabasesBackend } from '../../src/orchestration/backends/mariadb-databases/mariadb-databases.backend.js';
import { mariadbUsersBackend } from '../../src/orchestration/backends/mariadb-users/mariadb-users.backend.js';
import { postgresqlDatabasesBackend } from '../../src/orchestration/backends/postgresql-databases/postgresql-databases.backend.js';
import { postgresqlUsersBackend } from '../../src/orchestration/backends/postgresql-users/postgresql-users.backend.js';
import { mysqlNativePasswordHash } from '../../src/crypto/mysql-native-password.js';
import { scramSha256Verifier } from '../../src/crypto/scram-sha-256.js';
import type { OperationInput } from '../../src/orchestration/types.js';

/** Fixed hashes (a fixed salt), so the golden scripts are stable; the passwords themselves appear nowhere. */
export const MARIADB_HASH = mysqlNativePasswordHash('golden password');
export const SCRAM_HASH = scramSha256Verifier('golden password', Buffer.alloc(16, 7));

const account = { username: 'alice', isActive: true, type: 'COMPANY' };

export function dbUser(type: 'mariadb' | 'postgresql', overrides: Partial<DatabaseUserSource> = {}): DatabaseUserSource {
  return { username: 'alice_app', type, passwordHash: type === 'mariadb' ? MARIADB_HASH : SCRAM_HASH, account, ...overrides };
}

export function database(type: 'mariadb' | 'postgresql', overrides: Partial<DatabaseSource> = {}): DatabaseSource {
  return { name: 'alice_shop', type, users: ['alice_app'], account, ...overrides };
}

function op(backend: Backend, operationId: string, action: string, objectId: string, source: unknown): OperationInput {
  return { operationId, action, model: backend.model, objectId, snapshot: backend.snapshot(source) as Record<string, unknown> };
}

/** Hostile text reaches only comments in these scripts (every value is validated): ids with newlines and $(…). */
const HOSTILE_ID = "op-'1'\n$(touch /tmp/canary) `id`";

function usersCases(backend: Backend, type: 'mariadb' | 'postgresql') {
  return {
    save: () => [op(backend, 'op-601', 'save', '21', dbUser(type))],
    delete: () => [op(backend, 'op-602', 'delete', '22', dbUser(type, { username: 'alice_old' }))],
    // A new user, one disabled with its account, one removed.
    multi: () => [
      op(backend, 'op-603', 'save', '21', dbUser(type)),
      op(backend, 'op-604', 'save', '23', dbUser(type, { username: 'alice_ro', account: { ...account, isActive: false } })),
      op(backend, 'op-605', 'delete', '22', dbUser(type, { username: 'alice_old' })),
    ],
    hostile: () => [op(backend, HOSTILE_ID, 'save', '21\n$(id)', dbUser(type))],
  };
}

function databasesCases(backend: Backend, type: 'mariadb' | 'postgresql') {
  return {
    save: () => [op(backend, 'op-701', 'save', '31', database(type))],
    delete: () => [op(backend, 'op-702', 'delete', '32', database(type, { name: 'alice_old' }))],
    // An owner and two read-write users; a swapped owner; a dropped database.
    multi: () => [
      op(backend, 'op-703', 'save', '31', database(type, { users: ['alice_app', 'alice_ro', 'alice_cron'] })),
      op(backend, 'op-704', 'save', '33', database(type, { name: 'alice_blog', users: ['alice_ro'] })),
      op(backend, 'op-705', 'delete', '32', database(type, { name: 'alice_old' })),
    ],
    hostile: () => [op(backend, HOSTILE_ID, 'save', '31\n$(id)', database(type, { name: 'alice_x_y' }))],
    // Over its size allocation (resource limit actions): no INSERT, UPDATE or CREATE for its users.
    limited: () => [op(backend, 'op-41', 'save', '41', database(type, { users: ['alice_a', 'alice_b'], overLimit: true }))],
  };
}

/** The golden cases of the database backends (tests/backends.test.ts). */
export const DATABASE_GOLDEN: Record<string, Record<string, () => OperationInput[]>> = {
  'mariadb-users': usersCases(mariadbUsersBackend, 'mariadb'),
  'postgresql-users': usersCases(postgresqlUsersBackend, 'postgresql'),
  'mariadb-databases': databasesCases(mariadbDatabasesBackend, 'mariadb'),
  'postgresql-databases': databasesCases(postgresqlDatabasesBackend, 'postgresql'),
};
