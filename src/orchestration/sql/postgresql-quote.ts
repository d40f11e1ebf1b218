/**
 * Quoting for PostgreSQL statements as the postgresql backends send them to `psql` (the server's own client, as the
 * superuser). Every identifier and literal in a statement goes through these; the statement then goes into the
 * script through the shell quoting helper (../shell/quote.ts). Unit-tested, and run against the real server with
 * hostile values (tests/sql-quote.test.ts).
 *
 * - Identifiers: always double-quoted, `"` doubled, like the server's quote_ident but unconditional. A name longer
 *   than 63 bytes is refused: the server would silently truncate it (another object's name, possibly).
 * - Literals: single-quoted, `'` doubled; with a backslash the E'' form with backslashes doubled (as quote_literal
 *   does), so the value is the same whatever `standard_conforming_strings` says.
 * - psql meta-command arguments (`\connect`, `\echo`): single-quoted as psql reads them (`''` for a quote, C escapes
 *   for backslash, newline, carriage return and tab).
 */
import { SqlQuoteError, checkSqlText } from './sql-quote-error.js';

export const PG_MAX_IDENTIFIER_BYTES = 63;

export function pgIdent(name: string): string {
  checkSqlText(name);
  if (name === '') throw new SqlQuoteError('an identifier cannot be empty');
  if (Buffer.byteLength(name, 'utf8') > PG_MAX_IDENTIFIER_BYTES) throw new SqlQuoteError(`an identifier is at most ${PG_MAX_IDENTIFIER_BYTES} bytes`);
  return `"${name.replaceAll('"', '""')}"`;
}

export function pgLiteral(value: string): string {
  checkSqlText(value);
  const quoted = value.replaceAll("'", "''");
  return value.includes('\\') ? `E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}

export function psqlMetaArg(value: string): string {
  checkSqlText(value);
  const escaped = value.replace(/[\\'\n\r\t]/g, (c) => ({ '\\': '\\\\', "'": "''", '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);
  return `'${escaped}'`;
}

/** A dollar-quoted body (`$orchestra$…$orchestra$`) whose tag does not occur in it: a DO block's code. */
export function pgDollarQuote(body: string): string {
  checkSqlText(body);
  let tag = '$orchestra$';
  for (let n = 1; body.includes(tag); n++) tag = `$orchestra${n}$`;
  return `${tag}${body}${tag}`;
}

/** `ARRAY['a', 'b']::text[]` of literals: a list to compare names with (`<> ALL (…)`). */
export function pgTextArray(values: readonly string[]): string {
  return `ARRAY[${values.map(pgLiteral).join(', ')}]::text[]`;
}
