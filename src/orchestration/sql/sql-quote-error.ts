import { hasLoneSurrogate } from '../shell/quote.js';

/** A value that no quoting can put in a statement (a NUL byte, broken Unicode, a name longer than the server keeps). */
export class SqlQuoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlQuoteError';
  }
}

/** Refuses what neither dialect can carry: NUL (C strings end there) and lone surrogates (not encodable as UTF-8). */
export function checkSqlText(value: string): void {
  if (typeof value !== 'string') throw new SqlQuoteError(`cannot quote a ${value === null ? 'null' : typeof value}`);
  if (value.includes('\0')) throw new SqlQuoteError('a NUL byte cannot be part of an SQL statement');
  if (hasLoneSurrogate(value)) throw new SqlQuoteError('the value contains a lone UTF-16 surrogate');
}
