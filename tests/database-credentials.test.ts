/**
 * The hashes Orchestra sends instead of passwords, checked against the real servers: MariaDB's own PASSWORD() gives
 * the same mysql_native_password hash, and psql logs in with the password whose SCRAM-SHA-256 verifier Orchestra
 * computed (SASLprep included: non-ASCII spaces, compatibility characters, combining marks). And the size query of
 * each engine, kept ready for the resources issue.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mysqlNativePasswordHash } from '../src/crypto/mysql-native-password.js';
import { saslprep } from '../src/crypto/saslprep.js';
import { SCRAM_VERIFIER, scramSha256Verifier } from '../src/crypto/scram-sha-256.js';
import { DatabaseType } from '../src/entities/services/database-type.js';
import { mariadbIdent, mariadbLiteral } from '../src/orchestration/sql/mariadb-quote.js';
import { pgIdent, pgLiteral } from '../src/orchestration/sql/postgresql-quote.js';
import { databaseSizeQuery } from '../src/services/databases/database-size.js';
import { DATABASE_HOST_DIRS, startMariadb, startPostgresql, type DatabaseServer } from './support/database-servers.js';
import { GOOD_PASSWORDS } from './support/fixtures.js';
import { HostSandbox } from './support/host-sandbox.js';

const PASSWORDS = [
  ...GOOD_PASSWORDS,
  'non\u00a0breaking\u3000spaces', // SASLprep maps them to U+0020
  'ｆｕｌｌｗｉｄｔｈ ｐａｓｓ', // NFKC folds them to ASCII
  'cafe\u0301 combining', // NFKC composes é
  'soft\u00adhyphen gone', // mapped to nothing
  'mixed עברית and latin', // bidi rule fails: PostgreSQL then uses the raw bytes, and so does Orchestra
];

let host: HostSandbox;
let pg: DatabaseServer;
let my: DatabaseServer;
beforeAll(async () => {
  host = await HostSandbox.start('credentials', { emptyDirs: DATABASE_HOST_DIRS });
  pg = await startPostgresql(host);
  my = await startMariadb(host);
}, 240_000);
afterAll(async () => {
  await pg?.stop();
  await my?.stop();
  await host?.stop();
});

describe('MariaDB mysql_native_password', () => {
  test("is the server's own PASSWORD() of the same text", async () => {
    for (const password of PASSWORDS) {
      expect(`${mysqlNativePasswordHash(password)}\n`).toBe(await my.superuser(`SELECT PASSWORD(${mariadbLiteral(password)});`));
    }
  });

  test('a user given only the hash logs in with the password', async () => {
    for (const [i, password] of PASSWORDS.entries()) {
      await my.superuser(`CREATE USER 'hash${i}'@'%' IDENTIFIED BY PASSWORD ${mariadbLiteral(mysqlNativePasswordHash(password))};`);
      expect(await my.login(`hash${i}`, password, 'information_schema', 'SELECT CURRENT_USER();')).toBe(`hash${i}@%\n`);
    }
  });
});

describe('PostgreSQL SCRAM-SHA-256', () => {
  test('a role given only the verifier logs in with the password', async () => {
    for (const [i, password] of PASSWORDS.entries()) {
      const verifier = scramSha256Verifier(password);
      expect(verifier).toMatch(SCRAM_VERIFIER);
      await pg.superuser(`CREATE ROLE ${pgIdent(`scram${i}`)} LOGIN PASSWORD ${pgLiteral(verifier)};`);
      // The server stored the verifier as is (it did not hash it again).
      expect(await pg.superuser(`SELECT rolpassword FROM pg_authid WHERE rolname = 'scram${i}';`)).toBe(`${verifier}\n`);
      expect(await pg.login(`scram${i}`, password, 'postgres', 'SELECT current_user;')).toBe(`scram${i}\n`);
      await expect(pg.login(`scram${i}`, `${password}x`, 'postgres', 'SELECT 1;')).rejects.toThrow(/password authentication failed/);
    }
  });

  test('SASLprep: ASCII as is, spaces mapped, NFKC, refused (null) for bidi mixes', () => {
    expect(saslprep('plain ascii')).toBe('plain ascii');
    expect(saslprep('a\u00a0b')).toBe('a b');
    expect(saslprep('ｆｕｌｌ')).toBe('full');
    expect(saslprep('x\u00ady')).toBe('xy');
    expect(saslprep('latin עברית')).toBeNull();
  });
});

describe('database size, one query per engine', () => {
  test('PostgreSQL: grows with the data', async () => {
    await pg.superuser('CREATE DATABASE sized;');
    const before = Number(await pg.superuser(databaseSizeQuery(DatabaseType.POSTGRESQL, 'sized')));
    expect(before).toBeGreaterThan(1_000_000); // an empty database is a copy of template1, several MB
    await pg.superuser("CREATE TABLE t AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 20000) g; CHECKPOINT;", 'sized');
    const after = Number(await pg.superuser(databaseSizeQuery(DatabaseType.POSTGRESQL, 'sized')));
    expect(after - before).toBeGreaterThan(20000 * 200);
    expect(await pg.superuser(databaseSizeQuery(DatabaseType.POSTGRESQL, 'missing'))).toBe('');
  });

  test('MariaDB: 0 for no tables, grows with the data', async () => {
    await my.superuser(`CREATE DATABASE ${mariadbIdent('sized')};`);
    expect(await my.superuser(databaseSizeQuery(DatabaseType.MARIADB, 'sized'))).toBe('0\n');
    await my.superuser("CREATE TABLE t (id INT PRIMARY KEY, pad VARCHAR(300)); INSERT INTO t SELECT seq, REPEAT('x', 200) FROM seq_1_to_20000; ANALYZE TABLE t;", 'sized');
    expect(Number(await my.superuser(databaseSizeQuery(DatabaseType.MARIADB, 'sized')))).toBeGreaterThan(20000 * 200);
  });
});
