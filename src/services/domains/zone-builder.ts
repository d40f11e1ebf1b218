/**
 * A top domain's zone from the database: its records and its subdomains', plus the default records from
 * configuration (src/config/dns-settings.ts) where the domain does not declare its own.
 *
 * Default records (django-orchestra's implicit records, with its rules):
 * - the top domain gets the default NS records unless it has NS records of its own;
 * - every host name (the top domain and subdomains, wildcards included) gets the default MX records unless it has MX
 *   records, and the default A and AAAA records unless it has A or AAAA records. Not a name with a CNAME (nothing
 *   else may be there), a delegation (NS records on a subdomain), a name with "_" (a service label, not a host), or
 *   a subdomain whose records are only TXT, SRV or CAA (such as a DKIM or SPF name).
 * The SOA's primary name server is the first NS record of the top domain.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { dnsSettings, type DnsSettings } from '../../config/dns-settings.js';
import type { Domain } from '../../entities/dns/domain.js';
import { isHostName } from '../../orchestration/backends/dns/dns-name.js';
import type { RecordType } from '../../orchestration/backends/dns/dns-record.js';
import type { ZoneContent, ZoneRecord } from '../../orchestration/backends/dns/zone.js';

export interface DeclaredRecord {
  type: RecordType;
  ttl: number | null;
  value: string;
  id: string | null;
}

/** The default records a name gets, given the records it declares (`isTop`: the zone's own name). */
export function defaultRecordsFor(name: string, isTop: boolean, declared: readonly { type: string }[], settings: DnsSettings = dnsSettings()): DeclaredRecord[] {
  const has = (...types: string[]) => declared.some((r) => types.includes(r.type));
  const defaults: DeclaredRecord[] = [];
  const add = (type: RecordType, values: string[]) => values.forEach((value) => defaults.push({ type, ttl: null, value, id: null }));
  if (isTop && !has('NS')) add('NS', settings.defaultNs);
  if (has('CNAME') || !isHostName(name) || (!isTop && has('NS'))) return defaults;
  if (!isTop && declared.length > 0 && declared.every((r) => ['TXT', 'SRV', 'CAA'].includes(r.type))) return defaults;
  if (!has('MX')) add('MX', settings.defaultMx);
  if (!has('A', 'AAAA')) {
    add('A', settings.defaultA);
    add('AAAA', settings.defaultAaaa);
  }
  return defaults;
}

/** What the zone needs of a domain row and of a record row. */
export interface ZoneDomainRow {
  id: string;
  name: string;
}
export interface ZoneRecordRow {
  id: string;
  domainId: string;
  type: string;
  ttl: number | null;
  value: string;
}

/** The records of each name of the zone (declared and default), from the rows. */
export function zoneRecords(top: ZoneDomainRow, subdomains: readonly ZoneDomainRow[], records: readonly ZoneRecordRow[], settings: DnsSettings = dnsSettings()): ZoneRecord[] {
  const byDomain = new Map<string, ZoneRecordRow[]>();
  for (const r of records) {
    const list = byDomain.get(r.domainId);
    if (list) list.push(r);
    else byDomain.set(r.domainId, [r]);
  }
  const result: ZoneRecord[] = [];
  for (const domain of [top, ...subdomains]) {
    const declared = byDomain.get(domain.id) ?? [];
    for (const r of declared) result.push({ name: domain.name, type: r.type as RecordType, ttl: r.ttl, value: r.value, id: r.id });
    for (const r of defaultRecordsFor(domain.name, domain === top, declared, settings)) result.push({ name: domain.name, ...r });
  }
  return result;
}

/**
 * The zone of a top domain as the database has it (in the transaction being committed: pending changes must be
 * flushed). Plain rows, not entities: a zone of 10,000 records hydrated as entities took a second (bench/dns-zone.ts).
 */
export async function buildZone(em: EntityManager, top: Domain, settings: DnsSettings = dnsSettings()): Promise<ZoneContent> {
  const subdomains = (await em.execute('select id::text as id, name from domain where top_id = ? order by name', [top.id])) as ZoneDomainRow[];
  const records = (await em.execute(
    `select r.id::text as id, r.domain_id::text as "domainId", r.type, r.ttl, r.value
       from domain_record r join domain d on d.id = r.domain_id
      where d.id = ? or d.top_id = ? order by r.id`,
    [top.id, top.id],
  )) as ZoneRecordRow[];
  const zoneRecords_ = zoneRecords({ id: String(top.id), name: top.name }, subdomains, records, settings);
  const firstNs = zoneRecords_.find((r) => r.name === top.name && r.type === 'NS');
  return {
    serial: Math.max(top.serial, 1),
    ttl: settings.ttl,
    soa: {
      primaryNs: firstNs?.value ?? settings.defaultNs[0] ?? `ns.${top.name}.`,
      email: settings.soaEmail ?? `hostmaster.${top.name}.`,
      refresh: top.refresh ?? settings.refresh,
      retry: top.retry ?? settings.retry,
      expire: top.expire ?? settings.expire,
      minimum: top.minTtl ?? settings.minTtl,
    },
    records: zoneRecords_,
  };
}
