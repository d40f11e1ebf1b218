/**
 * The database backends' snapshots without a host: each engine's backends serve only their engine's objects, stored
 * snapshots parse back to themselves, and every bad value is refused by the backend too (not only by the API).
 */
import { describe, expect, test } from '@jest/globals';
import { SnapshotValidationError, type Backend } from '../src/orchestration/backends/backend.js';
import { getBackend } from '../src/orchestration/backends/registry.js';
import { MARIADB_HASH, SCRAM_HASH, database, dbUser } from './support/database-golden-cases.js';

function issuesOf(f: () => unknown): string[] {
  try {
    f();
  } catch (err) {
    if (err instanceof SnapshotValidationError) return err.issues.map((i) => i.field);
    throw err;
  }
  throw new Error('no validation error');
}

describe.each([['mariadb', MARIADB_HASH, SCRAM_HASH], ['postgresql', SCRAM_HASH, MARIADB_HASH]] as const)('%s', (engine, hash, otherHash) => {
  const other = engine === 'mariadb' ? 'postgresql' : 'mariadb';
  const users: Backend = getBackend(`${engine}-users`);
  const databases: Backend = getBackend(`${engine}-databases`);

  test('serves only its engine', () => {
    expect(users.serves(dbUser(engine))).toBe(true);
    expect(users.serves(dbUser(other))).toBe(false);
    expect(databases.serves(database(engine))).toBe(true);
    expect(databases.serves(database(other))).toBe(false);
  });

  test('snapshots: effective activity, owner and others; stored ones parse back to themselves', () => {
    const u = users.snapshot(dbUser(engine, { account: { username: 'alice', isActive: false } }));
    expect(u).toEqual({ username: 'alice_app', type: engine, passwordHash: hash, isActive: false, accountUsername: 'alice', accountType: null });
    expect(users.parseSnapshot(JSON.parse(JSON.stringify(u)))).toEqual(u);
    const d = databases.snapshot(database(engine, { users: ['alice_a', 'alice_b', 'alice_a'] }));
    expect(d).toEqual({ name: 'alice_shop', type: engine, owner: 'alice_a', others: ['alice_b'], overLimit: false, accountUsername: 'alice', accountType: 'COMPANY' });
    expect(databases.parseSnapshot(JSON.parse(JSON.stringify(d)))).toEqual(d);
  });

  test.each([
    ['username', { username: "a'b" }], ['username', { username: 'Root' }], ['username', { username: 'root' }], ['username', { username: '$(id)' }],
    ['username', { username: 'a\nb' }], ['username', { username: 'x'.repeat(33) }], ['passwordHash', { passwordHash: 'secret password' }],
    ['passwordHash', { passwordHash: otherHash }], ['passwordHash', { passwordHash: `${hash}\n` }], ['type', { type: other }],
  ])('a user with a bad %s is refused', (field, overrides) => {
    expect(issuesOf(() => users.snapshot(dbUser(engine, overrides as never)))).toContain(field);
  });

  test.each([
    ['name', { name: 'a`b' }], ['name', { name: "x'; DROP DATABASE y; --" }], ['name', { name: 'mysql' }], ['name', { name: 'template1' }],
    ['name', { name: 'x'.repeat(64) }], ['users[0]', { users: ['$(id)'] }], ['users', { users: [] }], ['type', { type: other }],
  ])('a database with a bad %s is refused', (field, overrides) => {
    expect(issuesOf(() => databases.snapshot(database(engine, overrides as never)))).toContain(field);
  });
});
