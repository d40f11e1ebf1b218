/**
 * A domain's and a record's fields, checked with the DNS backends' own rules (src/orchestration/backends/dns/), so
 * the API accepts exactly what the zone files can hold; then the whole zone is checked by named-checkzone
 * (./zone-check.ts).
 *
 * Decisions:
 * - Names: see dns-name.ts (IDNA to punycode, labels, wildcard, "_"). A name is unique across Orchestra, and a whole
 *   tree of names (a top domain and every domain under it) belongs to one account: a subdomain's records are in
 *   its top domain's zone, so another account's names there would be another account's records in your zone.
 * - Values: see dns-record.ts, normalised before they are stored. A CNAME is alone at its name (RFC 1034 §3.6.2)
 *   and never on a top domain (which has SOA and NS records); the same record twice is TAKEN.
 * - TTL and SOA intervals: seconds, 0 to 2147483647; null means the configured value.
 */
import { UserErrorCode } from '../../errors/user-input-error.js';
import { RECORD_TYPES, TTL_MAX, parseRecordValue, type RecordType } from '../../orchestration/backends/dns/dns-record.js';
import type { Validator } from '../../validation/validator.js';

export const SOA_FIELDS = ['refresh', 'retry', 'expire', 'minTtl'] as const;
export type SoaField = (typeof SOA_FIELDS)[number];

/** At most this many records of its own per domain (a zone of a top domain and its subdomains may hold more). */
export const DOMAIN_MAX_RECORDS = 20_000;

export function checkSeconds(v: Validator, field: string, value: number | null | undefined): void {
  if (value === null || value === undefined) return;
  if (!Number.isSafeInteger(value) || value < 0 || value > TTL_MAX) v.add(field, `must be a number of seconds from 0 to ${TTL_MAX}`);
}

export interface RecordFields {
  type: RecordType;
  value: string;
  ttl: number | null;
}

/** A record's own fields; returns them normalised (the value in its type's normal form). */
export function checkRecord(v: Validator, prefix: string, input: { type: string; value: string; ttl?: number | null }): RecordFields {
  const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
  const type = input.type as RecordType;
  if (!RECORD_TYPES.includes(type)) {
    v.add(at('type'), `must be one of ${RECORD_TYPES.join(', ')}`);
    return { type, value: input.value, ttl: input.ttl ?? null };
  }
  const parsed = parseRecordValue(type, input.value);
  if (!parsed.ok) v.add(at('value'), parsed.error, parsed.error === 'is required' ? UserErrorCode.REQUIRED : UserErrorCode.INVALID);
  checkSeconds(v, at('ttl'), input.ttl);
  return { type, value: parsed.ok ? parsed.value : input.value, ttl: input.ttl ?? null };
}

/**
 * The records one name would have (`records`, the new or changed ones last): CNAME alone and never on a top
 * domain, no record twice. Problems go to `field` (the changed record's value).
 */
export function checkRecordsAtName(v: Validator, field: string, isTop: boolean, records: readonly { type: string; value: string; id?: string }[], changed: readonly { type: string; value: string }[]): void {
  if (records.length > DOMAIN_MAX_RECORDS) v.add(field, `a domain has at most ${DOMAIN_MAX_RECORDS} records`, UserErrorCode.TOO_LONG);
  const cname = records.some((r) => r.type === 'CNAME');
  if (cname && isTop) v.add(field, 'a top domain cannot have a CNAME record: its name has the zone\'s SOA and NS records');
  else if (cname && records.length > 1) v.add(field, 'a CNAME record must be alone at its name: no other record may be there (RFC 1034 §3.6.2)');
  const seen = new Set<string>();
  for (const r of records) {
    const key = `${r.type} ${r.value}`;
    if (seen.has(key) && changed.some((c) => `${c.type} ${c.value}` === key)) v.add(field, `the domain already has the record ${key}`, UserErrorCode.TAKEN);
    seen.add(key);
  }
}
