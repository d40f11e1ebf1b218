/**
 * What both Bind9 backends get of a domain (its snapshot), its validation, and the zone file it renders to. The API
 * renders the same zone for its whole-zone check (src/services/domains/zone-check.ts), so what it accepted is byte
 * for byte what the servers get.
 *
 * Decisions:
 * - A domain's snapshot carries its whole zone when it is a top domain (its records, its subdomains' records and
 *   the default ones, each with its owner name), and no zone when it is a subdomain: a subdomain's records live in
 *   its top domain's zone, which every change re-renders (the serial bump makes it a change of the top domain).
 * - The zone file is deterministic: owner names absolute, the origin first, then the other names in DNS order
 *   (by labels from the right), wildcards last; within a name the types in RECORD_TYPES order, then values. No date
 *   or comment that changes by itself, so "unchanged" on the server means unchanged.
 * - Server addresses (slaves for the master, masters for a slave) are IP addresses or host names, as servers are
 *   stored; the scripts resolve names on the server (named.conf takes addresses only).
 */
import { isIP } from 'node:net';
import { SnapshotValidationError } from '../backend.js';
import { IssueList, isPlainObject, own } from '../validation.js';
import { addressProblem } from '../../../schema/orchestration/server-connection.js';
import { checkAsciiName, isUnder, zoneNameProblem } from './dns-name.js';
import { RECORD_TYPES, TTL_MAX, parseRecordValue, renderRdata, type RecordType } from './dns-record.js';

export interface ZoneRecord {
  /** Absolute owner name without the final dot: the origin or a name under it. */
  name: string;
  type: RecordType;
  /** Seconds; null: the zone's default TTL. */
  ttl: number | null;
  value: string;
  /** The record's id, or null for a default record (from configuration). */
  id: string | null;
}

export interface SoaValues {
  /** MNAME, absolute with its final dot. */
  primaryNs: string;
  /** RNAME, absolute with its final dot (hostmaster.example.com.). */
  email: string;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export interface ZoneContent {
  serial: number;
  /** $TTL of the zone, seconds. */
  ttl: number;
  soa: SoaValues;
  records: ZoneRecord[];
}

export interface DomainSource {
  /** The domain's name (punycode). */
  name: string;
  /** Its top domain's name when it is a subdomain, else null. */
  top: string | null;
  /** The zone when the domain is a top domain. */
  zone: ZoneContent | null;
  /** Addresses of the bind9-slave servers of this zone (the master lets them transfer it and notifies them). */
  slaves: string[];
  /** Addresses of the bind9-master servers of this zone (a slave transfers from them). */
  masters: string[];
  account: { type: string };
}

const MAX_RECORDS = 100_000;
const SERIAL_MAX = 4_294_967_295;

function seconds(issues: IssueList, obj: Record<string, unknown>, field: string, path: string): number {
  const v = own(obj, field);
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= TTL_MAX) return v;
  issues.add(path, `must be a number of seconds from 0 to ${TTL_MAX}`);
  return 0;
}

function addresses(issues: IssueList, obj: Record<string, unknown>, field: string): string[] {
  const v = own(obj, field);
  if (!Array.isArray(v) || v.length > 100) {
    issues.add(field, 'must be a list of at most 100 addresses');
    return [];
  }
  return v.map((a, i) => {
    if (typeof a !== 'string' || addressProblem(a) !== null || a.startsWith('-')) issues.add(`${field}[${i}]`, 'must be an IP address or a host name');
    return String(a);
  });
}

function absoluteName(issues: IssueList, obj: Record<string, unknown>, field: string, path: string): string {
  const v = issues.string(obj, field, path);
  const check = v.endsWith('.') ? checkAsciiName(v.slice(0, -1)) : { ok: false as const, error: 'must be an absolute name (with a final ".")' };
  if (!check.ok) issues.add(path, check.error);
  return v;
}

function parseZone(issues: IssueList, raw: unknown, origin: string): ZoneContent | null {
  if (!isPlainObject(raw)) {
    issues.add('zone', 'must be an object');
    return null;
  }
  const serial = own(raw, 'serial');
  if (typeof serial !== 'number' || !Number.isSafeInteger(serial) || serial < 1 || serial > SERIAL_MAX) issues.add('zone.serial', 'must be a number from 1 to 4294967295');
  const soaRaw = own(raw, 'soa');
  const soa = isPlainObject(soaRaw)
    ? {
        primaryNs: absoluteName(issues, soaRaw, 'primaryNs', 'zone.soa.primaryNs'),
        email: absoluteName(issues, soaRaw, 'email', 'zone.soa.email'),
        refresh: seconds(issues, soaRaw, 'refresh', 'zone.soa.refresh'),
        retry: seconds(issues, soaRaw, 'retry', 'zone.soa.retry'),
        expire: seconds(issues, soaRaw, 'expire', 'zone.soa.expire'),
        minimum: seconds(issues, soaRaw, 'minimum', 'zone.soa.minimum'),
      }
    : (issues.add('zone.soa', 'must be an object'), null);
  const recordsRaw = own(raw, 'records');
  if (!Array.isArray(recordsRaw) || recordsRaw.length > MAX_RECORDS) {
    issues.add('zone.records', `must be a list of at most ${MAX_RECORDS} records`);
    return null;
  }
  const records = recordsRaw.map((r, i): ZoneRecord => {
    const path = `zone.records[${i}]`;
    if (!isPlainObject(r)) {
      issues.add(path, 'must be an object');
      return { name: origin, type: 'A', ttl: null, value: '', id: null };
    }
    const name = issues.string(r, 'name', `${path}.name`);
    const nameCheck = checkAsciiName(name);
    if (!nameCheck.ok) issues.add(`${path}.name`, nameCheck.error);
    else if (!isUnder(name, origin)) issues.add(`${path}.name`, `must be ${origin} or a name under it`);
    const type = own(r, 'type') as RecordType;
    if (!RECORD_TYPES.includes(type)) issues.add(`${path}.type`, `must be one of ${RECORD_TYPES.join(', ')}`);
    const ttlRaw = own(r, 'ttl');
    const ttl = ttlRaw === null ? null : seconds(issues, r, 'ttl', `${path}.ttl`);
    const value = issues.string(r, 'value', `${path}.value`);
    if (RECORD_TYPES.includes(type)) {
      const parsed = parseRecordValue(type, value);
      if (!parsed.ok) issues.add(`${path}.value`, parsed.error);
      else if (parsed.value !== value) issues.add(`${path}.value`, 'must be in its normal form');
    }
    const idRaw = own(r, 'id');
    const id = idRaw === null ? null : issues.id(r, 'id', `${path}.id`);
    return { name, type, ttl, value, id };
  });
  return soa ? { serial: serial as number, ttl: seconds(issues, raw, 'ttl', 'zone.ttl'), soa, records } : null;
}

/** Validates a domain's snapshot (a source, or one read back from the database). */
export function parseDomainSource(raw: unknown, backend: string): DomainSource {
  const issues = new IssueList();
  const obj = issues.object(raw, backend);
  const name = issues.string(obj, 'name');
  const nameCheck = checkAsciiName(name);
  if (!nameCheck.ok) issues.add('name', nameCheck.error);
  const topRaw = own(obj, 'top');
  let top: string | null = null;
  if (topRaw !== null) {
    top = issues.string(obj, 'top');
    const check = checkAsciiName(top);
    if (!check.ok) issues.add('top', check.error);
    else if (!isUnder(name, top) || name === top) issues.add('top', 'must be a domain above the name');
  }
  const zoneRaw = own(obj, 'zone');
  let zone: ZoneContent | null = null;
  if (top === null) {
    const problem = nameCheck.ok ? zoneNameProblem(name) : null;
    if (problem) issues.add('name', problem);
    zone = parseZone(issues, zoneRaw, name);
  } else if (zoneRaw !== null) issues.add('zone', 'must be null for a subdomain (its records are in its top domain\'s zone)');
  const account = own(obj, 'account');
  const type = isPlainObject(account) ? issues.string(account, 'type', 'account.type') : (issues.add('account', 'must be an object'), '');
  const source: DomainSource = { name, top, zone, slaves: addresses(issues, obj, 'slaves'), masters: addresses(issues, obj, 'masters'), account: { type } };
  issues.throwIfAny(backend);
  return source;
}

/** What a route's match expression sees of a domain (both Bind9 backends). */
export function domainMatchContext(source: Pick<DomainSource, 'name' | 'top' | 'account'>): Record<string, unknown> {
  return { domain: { name: source.name, isTop: source.top === null }, account: { type: source.account.type } };
}
export const DOMAIN_MATCH_FIELDS = ['domain.name', 'domain.isTop', 'account.type'] as const;
export const DOMAIN_BOOLEAN_MATCH_FIELDS = ['domain.isTop'] as const;

/** DNS order: by labels from the right, so a name's subdomains follow it; wildcards after the others. */
function nameOrder(a: string, b: string): number {
  const wa = a.startsWith('*.') ? 1 : 0;
  const wb = b.startsWith('*.') ? 1 : 0;
  if (wa !== wb) return wa - wb;
  const la = a.split('.').reverse();
  const lb = b.split('.').reverse();
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return la[i]! < lb[i]! ? -1 : 1;
  }
  return la.length - lb.length;
}

export interface RenderedZone {
  text: string;
  /** The record each line holds (index = line number - 1), null for lines of no record (SOA, $TTL). */
  lines: (ZoneRecord | null)[];
}

/** The zone file of a top domain. */
export function renderZone(origin: string, zone: ZoneContent): RenderedZone {
  const { soa } = zone;
  const lines: (ZoneRecord | null)[] = [null, null];
  const text = [`$TTL ${zone.ttl}`, `${origin}. ${zone.ttl} IN SOA ${soa.primaryNs} ${soa.email} ${zone.serial} ${soa.refresh} ${soa.retry} ${soa.expire} ${soa.minimum}`];
  const typeRank = (t: RecordType) => RECORD_TYPES.indexOf(t);
  const sorted = [...zone.records].sort(
    (a, b) => (a.name === origin ? 0 : 1) - (b.name === origin ? 0 : 1) || nameOrder(a.name, b.name) || typeRank(a.type) - typeRank(b.type) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
  );
  for (const record of sorted) {
    text.push(`${record.name}. ${record.ttl ?? zone.ttl} IN ${record.type} ${renderRdata(record.type, record.value)}`);
    lines.push(record);
  }
  return { text: `${text.join('\n')}\n`, lines };
}

/** Whether an address is an IP literal (else a host name the server resolves). */
export function isAddressLiteral(address: string): boolean {
  return isIP(address) !== 0;
}

export { SnapshotValidationError };
