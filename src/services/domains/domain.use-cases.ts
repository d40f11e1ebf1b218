import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { noteTouched } from '../../audit/audit-note.js';
import { findAccount } from '../../accounts/find-account.js';
import { Domain } from '../../entities/dns/domain.js';
import { DomainRecord } from '../../entities/dns/domain-record.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { ancestorsOf, isUnder, parseDomainName, zoneNameProblem } from '../../orchestration/backends/dns/dns-name.js';
import { idOf, toGlobalId } from '../../schema/relay/global-id.js';
import type { UseCase } from '../../use-cases/use-case.js';
import { Validator } from '../../validation/validator.js';
import { SOA_FIELDS, checkRecord, checkRecordsAtName, checkSeconds, type SoaField } from './domain.validation.js';
import { nextSerial } from './serial.js';
import { checkZone } from './zone-check.js';

/** Loads a domain the EntityManager may see, or fails with NOT_FOUND on `field`. */
export async function findDomain(em: EntityManager, globalId: string, field = 'id'): Promise<Domain> {
  const domain = await em.findOne(Domain, { id: idOf('Domain', globalId, field) }, { populate: ['account', 'top'] });
  if (!domain) throw new NotFoundError('Domain', field);
  return domain;
}

export async function findDomainRecord(em: EntityManager, globalId: string, field = 'id'): Promise<DomainRecord> {
  const record = await em.findOne(DomainRecord, { id: idOf('DomainRecord', globalId, field) }, { populate: ['account', 'domain', 'domain.top'] });
  if (!record) throw new NotFoundError('DomainRecord', field);
  return record;
}

/** The domain whose zone holds this domain's records (itself when it is a top domain). */
export function zoneOf(domain: Domain): Domain {
  return domain.top ? domain.top.getEntity() : domain;
}

/** A change of the zone: its serial goes up, which also makes it a save of the top domain on the servers. */
function zoneChanged(top: Domain): void {
  top.serial = nextSerial(top.serial);
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/** Every domain strictly under `name` (any account: a tree of names is one account's). */
async function domainsUnder(em: EntityManager, name: string): Promise<Domain[]> {
  const found = await em.find(Domain, { name: { $like: `%.${escapeLike(name)}` } }, { filters: false, populate: ['account'] });
  return found.filter((d) => isUnder(d.name, name) && d.name !== name);
}

export type SoaOverrides = Partial<Record<SoaField, number | null>>;
export type NewRecord = { type: string; value: string; ttl?: number | null };
export type NewDomain = { accountId: string; name: string; records?: NewRecord[] | null } & SoaOverrides;

/**
 * Adds a domain. Under an existing domain it is a subdomain of the highest one (its records go in that zone);
 * otherwise it is a top domain, and the domains already under it become its subdomains (their zones, if they had
 * any, are removed from the servers: their records are now in this one).
 */
export async function createDomain({ em, audit }: UseCase, input: NewDomain): Promise<Domain> {
  const account = await findAccount(em, input.accountId, 'input.accountId');
  noteTouched(audit, account);
  const v = new Validator();
  const parsed = parseDomainName(input.name);
  if (!parsed.ok) v.add('name', parsed.error, input.name === '' ? UserErrorCode.REQUIRED : UserErrorCode.INVALID);
  for (const field of SOA_FIELDS) checkSeconds(v, field, input[field]);
  const records = (input.records ?? []).map((r, i) => checkRecord(v, `records[${i}]`, r));
  v.check();
  const name = (parsed as { name: string }).name;
  if (await em.count(Domain, { name }, { filters: false })) throw new UserInputError('input.name', 'is already a domain', UserErrorCode.TAKEN);
  const ancestors = await em.find(Domain, { name: { $in: ancestorsOf(name) } }, { filters: false, populate: ['account'] });
  const under = await domainsUnder(em, name);
  const foreign = [...ancestors, ...under].find((d) => d.account.id !== account.id);
  if (foreign) throw new UserInputError('input.name', `${foreign.name} belongs to another account: a top domain and its subdomains belong to one account`, UserErrorCode.NOT_ALLOWED);
  const top = ancestors.sort((a, b) => a.name.length - b.name.length)[0] ?? null;
  if (!top) {
    const problem = zoneNameProblem(name);
    if (problem) throw new UserInputError('input.name', problem);
  }
  checkRecordsAtName(v, 'records', top === null, records, records);
  v.check();
  const domain = em.create(Domain, { account, name, top, ...Object.fromEntries(SOA_FIELDS.map((f) => [f, input[f] ?? null])) });
  if (top) zoneChanged(top);
  else {
    zoneChanged(domain);
    for (const d of under) d.top = ref(domain);
  }
  const created = records.map((r) => em.create(DomainRecord, { account, domain, ...r }));
  await em.flush();
  await checkZone(em, top ?? domain, { recordFields: new Map(created.map((r, i) => [r.id, `input.records[${i}].value`])), otherField: 'input.name' });
  audit.objectIds.push(toGlobalId('Domain', domain.id));
  return domain;
}

/** Changes a domain's SOA overrides (null: back to the configured value); used while it is a top domain. */
export async function updateDomain({ em, audit }: UseCase, input: { id: string } & SoaOverrides): Promise<Domain> {
  const domain = await findDomain(em, input.id, 'input.id');
  noteTouched(audit, domain.account.getEntity(), input.id);
  const v = new Validator();
  for (const field of SOA_FIELDS) checkSeconds(v, field, input[field]);
  v.check();
  const changed = SOA_FIELDS.filter((f) => input[f] !== undefined && input[f] !== domain[f]);
  for (const f of changed) domain[f] = input[f] ?? null;
  audit.changedFields = [...changed];
  if (changed.length && !domain.top) {
    zoneChanged(domain);
    await em.flush();
    await checkZone(em, domain, { recordFields: new Map(), otherField: 'input.id' });
  }
  return domain;
}

/**
 * Deletes a domain and its records. A subdomain: its top domain's zone loses its records. A top domain: its zone is
 * removed, and its subdomains regroup under the highest of them that remain (each such one becomes a top domain
 * with a zone of its own); a wildcard or "_" name cannot be a zone, so it must be deleted first.
 */
export async function deleteDomain({ em, audit }: UseCase, id: string): Promise<void> {
  const domain = await findDomain(em, id, 'id');
  noteTouched(audit, domain.account.getEntity(), id);
  const top = domain.top?.getEntity() ?? null;
  const newTops: Domain[] = [];
  if (top) zoneChanged(top);
  else {
    const subdomains = await em.find(Domain, { top: domain.id }, { filters: false });
    for (const sub of subdomains) {
      const highest = subdomains.filter((s) => s !== sub && isUnder(sub.name, s.name)).sort((a, b) => a.name.length - b.name.length)[0];
      sub.top = highest ? ref(highest) : null;
      if (!highest) newTops.push(sub);
    }
    const cannot = newTops.filter((d) => zoneNameProblem(d.name) !== null).map((d) => d.name);
    if (cannot.length) {
      throw new UserInputError('id', `delete ${cannot.join(', ')} first: without ${domain.name} they would have to be zones of their own, and such names cannot`, UserErrorCode.NOT_ALLOWED);
    }
    newTops.forEach(zoneChanged);
  }
  em.remove(domain);
  await em.flush();
  for (const zone of top ? [top] : newTops) await checkZone(em, zone, { recordFields: new Map(), otherField: 'id' });
}

/** Adds a record to a domain; the zone that holds it is checked whole. */
export async function createDomainRecord({ em, audit }: UseCase, input: { domainId: string } & NewRecord): Promise<DomainRecord> {
  const domain = await findDomain(em, input.domainId, 'input.domainId');
  noteTouched(audit, domain.account.getEntity());
  const v = new Validator();
  const fields = checkRecord(v, '', input);
  v.check();
  const existing = await em.find(DomainRecord, { domain: domain.id }, { filters: false });
  checkRecordsAtName(v, 'value', !domain.top, [...existing, fields], [fields]);
  v.check();
  const record = em.create(DomainRecord, { account: domain.account, domain, ...fields });
  const zone = zoneOf(domain);
  zoneChanged(zone);
  await em.flush();
  await checkZone(em, zone, { recordFields: new Map([[record.id, 'input.value']]), otherField: 'input.domainId' });
  audit.objectIds.push(toGlobalId('DomainRecord', record.id));
  return record;
}

/** Changes a record's value or TTL (its type is fixed: delete and create instead). */
export async function updateDomainRecord({ em, audit }: UseCase, input: { id: string; value?: string | null; ttl?: number | null }): Promise<DomainRecord> {
  const record = await findDomainRecord(em, input.id, 'input.id');
  const domain = record.domain.getEntity();
  noteTouched(audit, record.account.getEntity(), input.id);
  const v = new Validator();
  const fields = checkRecord(v, '', { type: record.type, value: input.value ?? record.value, ttl: input.ttl === undefined ? record.ttl : input.ttl });
  v.check();
  const others = await em.find(DomainRecord, { domain: domain.id, id: { $ne: record.id } }, { filters: false });
  checkRecordsAtName(v, 'value', !domain.top, [...others, fields], [fields]);
  v.check();
  audit.changedFields = (['value', 'ttl'] as const).filter((f) => fields[f] !== record[f]);
  if (audit.changedFields.length === 0) return record;
  record.value = fields.value;
  record.ttl = fields.ttl;
  const zone = zoneOf(domain);
  zoneChanged(zone);
  await em.flush();
  await checkZone(em, zone, { recordFields: new Map([[record.id, 'input.value']]), otherField: 'input.id' });
  return record;
}

/** Removes a record; what remains of its zone must still load (an in-zone name server keeps its address). */
export async function deleteDomainRecord({ em, audit }: UseCase, id: string): Promise<void> {
  const record = await findDomainRecord(em, id, 'id');
  noteTouched(audit, record.account.getEntity(), id);
  const zone = zoneOf(record.domain.getEntity());
  zoneChanged(zone);
  em.remove(record);
  await em.flush();
  await checkZone(em, zone, { recordFields: new Map(), otherField: 'id' });
}
