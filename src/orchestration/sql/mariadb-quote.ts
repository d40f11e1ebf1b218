/**
 * Quoting for MariaDB statements as the mariadb backends send them to `mariadb` (the server's own client, as root
 * over its socket). Every identifier and literal in a statement goes through these; the statement then goes into
 * the script through the shell quoting helper (../shell/quote.ts). Unit-tested, and run against the real server with
 * hostile values (tests/sql-quote.test.ts).
 *
 * - Identifiers: always in backticks, `` ` `` doubled. At most 64 characters (the server refuses longer ones).
 * - Literals: single-quoted with backslash escapes (`\\`, `\'`, `\n`, `\r`, `\Z`). Backslash escapes hold unless the
 *   session's sql_mode has NO_BACKSLASH_ESCAPES, so every script sets its session's sql_mode first (MARIADB_SESSION).
 * - Database names in GRANT and REVOKE are patterns: `_` and `%` are wildcards there (GRANT … ON `a_b`.* also grants
 *   on `axb`, another account's database). mariadbGrantDatabase escapes them, and the backslash, with a backslash.
 */
import { SqlQuoteError, checkSqlText } from './sql-quote-error.js';

export const MARIADB_MAX_IDENTIFIER = 64;

export function mariadbIdent(name: string): string {
  checkSqlText(name);
  if (name === '') throw new SqlQuoteError('an identifier cannot be empty');
  if ([...name].length > MARIADB_MAX_IDENTIFIER) throw new SqlQuoteError(`an identifier is at most ${MARIADB_MAX_IDENTIFIER} characters`);
  return `\`${name.replaceAll('`', '``')}\``;
}

export function mariadbLiteral(value: string): string {
  checkSqlText(value);
  const escaped = value.replace(/[\\'\n\r\u001a]/g, (c) => ({ '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\u001a': '\\Z' })[c]!);
  return `'${escaped}'`;
}

/** The database part of `GRANT … ON <db>.*`: the name with its pattern characters escaped, as an identifier. */
export function mariadbGrantDatabase(name: string): string {
  return mariadbIdent(mariadbGrantPattern(name));
}

/** The name as GRANT stores it in mysql.db's `Db` column: `\`, `_` and `%` escaped with a backslash. */
export function mariadbGrantPattern(name: string): string {
  return name.replace(/[\\_%]/g, (c) => `\\${c}`);
}

/** An account `'user'@'host'` as CREATE USER, GRANT and REVOKE take it. */
export function mariadbAccount(user: string, host: string): string {
  return `${mariadbLiteral(user)}@${mariadbLiteral(host)}`;
}
