/**
 * The SQL quoting helpers, one per dialect: unit cases, then every hostile value through the real servers (quoted
 * as a literal it comes back byte for byte; quoted as a name it makes a database and a table of exactly that name),
 * with a canary that no value may create.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mariadbAccount, mariadbGrantDatabase, mariadbGrantPattern, mariadbIdent, mariadbLiteral } from '../src/orchestration/sql/mariadb-quote.js';
import { pgDollarQuote, pgIdent, pgLiteral, pgTextArray, psqlMetaArg } from '../src/orchestration/sql/postgresql-quote.js';
import { SqlQuoteError } from '../src/orchestration/sql/sql-quote-error.js';
import { DATABASE_HOST_DIRS, startMariadb, startPostgresql, type DatabaseServer } from './support/database-servers.js';
import { HostSandbox } from './support/host-sandbox.js';

const CANARY = '/tmp/orchestra-sql-canary';
/** Quotes, backticks, `;`, `$()`, newlines, backslashes, SQL and psql metacharacters, unicode. */
const HOSTILE = [
  "it's", "''", '"', '""', '`', '``', 'a;b', `'; DROP DATABASE postgres; --`, `"; DROP ROLE postgres; --`, '`; DROP DATABASE mysql; --',
  `$(touch ${CANARY})`, `\`touch ${CANARY}\``, 'line\nbreak', 'cr\rreturn', 'tab\there', '\\', 'back\\slash\\', "\\'", '\\"', '%_', '\\_%',
  '$$', '$orchestra$', ':var', ":'var'", '\\! touch /tmp/x', '\\gexec', '/* c */', '-- c', 'ünïcødé ✓', '日本語', '🔑', 'e\u0301', '\u001a',
];

describe('unit', () => {
  test('PostgreSQL identifiers and literals', () => {
    expect(pgIdent('plain')).toBe('"plain"');
    expect(pgIdent('a"b')).toBe('"a""b"');
    expect(pgLiteral("it's")).toBe("'it''s'");
    expect(pgLiteral('a\\b')).toBe("E'a\\\\b'");
    expect(psqlMetaArg("a'b\\c\nd")).toBe("'a''b\\\\c\\nd'");
    expect(pgDollarQuote('x $orchestra$ y')).toBe('$orchestra1$x $orchestra$ y$orchestra1$');
    expect(pgTextArray(['a', "b'"])).toBe("ARRAY['a', 'b''']::text[]");
  });

  test('MariaDB identifiers, literals, grant patterns and accounts', () => {
    expect(mariadbIdent('plain')).toBe('`plain`');
    expect(mariadbIdent('a`b')).toBe('`a``b`');
    expect(mariadbLiteral("it's\\\n")).toBe("'it\\'s\\\\\\n'");
    expect(mariadbGrantPattern('a_b%c\\')).toBe('a\\_b\\%c\\\\');
    expect(mariadbGrantDatabase('a_b')).toBe('`a\\_b`');
    expect(mariadbAccount('u', '%')).toBe("'u'@'%'");
  });

  test('refuses what cannot be quoted: NUL, lone surrogates, empty or too long names', () => {
    for (const quote of [pgIdent, pgLiteral, psqlMetaArg, mariadbIdent, mariadbLiteral]) {
      expect(() => quote('a\u0000b')).toThrow(SqlQuoteError);
      expect(() => quote('a\ud800b')).toThrow(SqlQuoteError);
    }
    expect(() => pgIdent('')).toThrow(SqlQuoteError);
    expect(() => pgIdent('é'.repeat(32))).toThrow(SqlQuoteError); // 64 bytes
    expect(() => mariadbIdent('x'.repeat(65))).toThrow(SqlQuoteError);
  });
});

describe('on the real servers', () => {
  let host: HostSandbox;
  let pg: DatabaseServer;
  let my: DatabaseServer;
  beforeAll(async () => {
    host = await HostSandbox.start('sql-quote', { emptyDirs: DATABASE_HOST_DIRS });
    pg = await startPostgresql(host);
    my = await startMariadb(host);
  }, 240_000);
  afterAll(async () => {
    await pg?.stop();
    await my?.stop();
    await host?.stop();
  });

  const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

  test('PostgreSQL: a literal comes back byte for byte; a name makes a database and a table of exactly that name', async () => {
    for (const value of HOSTILE) {
      expect(await pg.superuser(`SELECT encode(convert_to(${pgLiteral(value)}, 'UTF8'), 'hex');`)).toBe(`${hex(value)}\n`);
      const name = `db ${value}`.slice(0, 40);
      await pg.superuser(`\\echo ${psqlMetaArg(value)}\nCREATE DATABASE ${pgIdent(name)};`);
      await pg.superuser(`CREATE TABLE ${pgIdent(value)} (x int); SELECT 1;`, name);
      expect(await pg.superuser(`SELECT encode(convert_to(relname, 'UTF8'), 'hex') FROM pg_class WHERE relname = ${pgLiteral(value)};`, name)).toBe(`${hex(value)}\n`);
      await pg.superuser(`DROP DATABASE ${pgIdent(name)};`);
    }
    expect((await host.bash(`test -e ${CANARY}`)).code).not.toBe(0);
  }, 120_000);

  test('psql meta-command arguments come back byte for byte', async () => {
    for (const value of HOSTILE.filter((v) => !/[\r\n]/.test(v))) {
      expect(await pg.superuser(`\\echo ${psqlMetaArg(value)}`)).toBe(`${value}\n`);
    }
  });

  test('MariaDB: a literal comes back byte for byte; a name makes a database and a table of exactly that name', async () => {
    for (const value of HOSTILE) {
      const session = "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION';\n";
      expect(await my.superuser(`${session}SELECT HEX(CONVERT(${mariadbLiteral(value)} USING utf8mb4));`)).toBe(`${hex(value).toUpperCase()}\n`);
      // Not names MariaDB can have at all: "/", "\\" and \x1a (a database is a directory), spaces at the end, characters
      // outside the BMP (identifiers are utf8mb3). The API's names are far narrower anyway.
      if (/[\\/\u001a]|[\u{10000}-\u{10FFFF}]/u.test(value) || value.trim() !== value) continue;
      const name = `db ${value}`.slice(0, 40);
      await my.superuser(`${session}CREATE DATABASE ${mariadbIdent(name)}; CREATE TABLE ${mariadbIdent(name)}.${mariadbIdent(value)} (x int);`);
      expect(await my.superuser(`${session}SELECT HEX(table_name) FROM information_schema.tables WHERE table_schema = ${mariadbLiteral(name)};`)).toBe(`${hex(value).toUpperCase()}\n`);
      await my.superuser(`DROP DATABASE ${mariadbIdent(name)};`);
    }
    expect((await host.bash(`test -e ${CANARY}`)).code).not.toBe(0);
  }, 120_000);

  test('MariaDB: a grant on a_b does not reach axb', async () => {
    await my.superuser(`CREATE DATABASE a_b; CREATE DATABASE axb; CREATE USER 'u'@'%' IDENTIFIED BY 'pass word 1';
      GRANT ALL ON ${mariadbGrantDatabase('a_b')}.* TO ${mariadbAccount('u', '%')};`);
    await my.login('u', 'pass word 1', 'a_b', 'CREATE TABLE t (x int);');
    await expect(my.login('u', 'pass word 1', 'axb', 'CREATE TABLE t (x int);')).rejects.toThrow(/Access denied/);
  });
});
