/**
 * PostgreSQL array literals for bulk statements (`unnest(?::bigint[])`, `= any(?::bigint[])`): the query builder
 * expands a JavaScript array parameter into a list of parameters, so a whole column goes as ONE text parameter.
 * Only ids made of digits and finite numbers (or null) are accepted, so the literal cannot be anything else.
 */
export function bigintArray(ids: readonly string[]): string {
  for (const id of ids) if (!/^[0-9]{1,19}$/.test(id)) throw new TypeError(`not an id: ${JSON.stringify(id)}`);
  return `{${ids.join(',')}}`;
}

export function floatArray(values: readonly (number | null)[]): string {
  for (const v of values) if (v !== null && !Number.isFinite(v)) throw new TypeError(`not a finite number: ${v}`);
  return `{${values.map((v) => (v === null ? 'NULL' : String(v))).join(',')}}`;
}
