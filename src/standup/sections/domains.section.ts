import { Domain } from '../../entities/dns/domain.js';
import { DomainRecord } from '../../entities/dns/domain-record.js';
import { parseDomainName } from '../../orchestration/backends/dns/dns-name.js';
import { toGlobalId } from '../../schema/relay/global-id.js';
import { checkRecord } from '../../services/domains/domain.validation.js';
import { createDomain, createDomainRecord, deleteDomain, deleteDomainRecord, updateDomainRecord } from '../../services/domains/domain.use-cases.js';
import { Validator } from '../../validation/validator.js';
import type { SetupSection } from '../setup-section.js';

interface RecordItem {
  type: string;
  value: string;
  ttl?: number;
}

export interface DomainItem {
  name: string;
  /** The domain's own records; left out: its records are left as they are. */
  records?: RecordItem[];
}

/** A domain is its name in the form it is stored (punycode, lowercase), whatever way the description writes it. */
const storedName = (name: string) => {
  const parsed = parseDomainName(name);
  return parsed.ok ? parsed.name : name;
};

/** A record is its type and value in its type's normal form (as stored); its TTL is what an update changes. */
const recordKey = (r: { type: string; value: string }) => `${r.type}\n${r.value}`;
const normalRecord = (r: RecordItem) => checkRecord(new Validator(), '', r);

/** Domains (DNS zones or subdomains) with their records. */
export const domainsSection: SetupSection<DomainItem, Domain> = {
  kind: 'domains',
  description: "Domains and their records (zones on the bind9 routes' servers). Unlisted domains are deleted; a domain's unlisted records too when it lists records.",
  itemSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 253 },
      records: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'value'],
          properties: { type: { type: 'string', minLength: 1, maxLength: 8 }, value: { type: 'string' }, ttl: { type: 'integer', minimum: 0 } },
        },
      },
    },
  },
  keyOf: (item) => storedName(item.name),
  async current({ uc, account }) {
    // Subdomains first when deleting is not needed: deleteDomain regroups what remains under the highest one.
    const domains = await uc.em.find(Domain, { account }, { orderBy: { id: 'asc' } });
    return new Map(domains.map((d) => [d.name, d]));
  },
  async create({ uc, account }, item) {
    await createDomain(uc, { accountId: toGlobalId('Account', account.id), name: item.name, records: item.records ?? [] });
  },
  async update({ uc }, item, domain) {
    if (!item.records) return;
    const current = await uc.em.find(DomainRecord, { domain: domain.id }, { orderBy: { id: 'asc' } });
    const byKey = new Map(current.map((r) => [recordKey(r), r]));
    const wanted = new Map(item.records.map((r, i) => [recordKey(normalRecord(r)), { r, i }]));
    for (const record of current) if (!wanted.has(recordKey(record))) await deleteDomainRecord(uc, toGlobalId('DomainRecord', record.id));
    for (const [key, { r }] of wanted) {
      const existing = byKey.get(key);
      if (!existing) await createDomainRecord(uc, { domainId: toGlobalId('Domain', domain.id), ...r });
      else if ((r.ttl ?? null) !== existing.ttl) await updateDomainRecord(uc, { id: toGlobalId('DomainRecord', existing.id), ttl: r.ttl ?? null });
    }
  },
  async remove({ uc }, domain) {
    await deleteDomain(uc, toGlobalId('Domain', domain.id));
  },
};
