import type { EntityManager } from '@mikro-orm/postgresql';
import type { Domain } from '../../entities/dns/domain.js';
import { DomainRecord } from '../../entities/dns/domain-record.js';
import { dnsSettings, type DnsSettings } from '../../config/dns-settings.js';
import { targetOf } from '../../orchestration/backends/dns/dns-record.js';

const host = (target: string) => target.toLowerCase().replace(/\.$/, '');

/**
 * Whether Orchestra's mail servers are the final destination of a domain's mail (its MX records include one of the
 * default MX hosts, ORCHESTRA_DNS_DEFAULT_MX) or only a secondary MX (its MX records point elsewhere). A domain that
 * declares no MX gets the default ones in its zone; with no default MX configured, every domain is final here.
 */
export async function isFinalDestination(em: EntityManager, domain: Domain, settings: DnsSettings = dnsSettings()): Promise<boolean> {
  const records = await em.find(DomainRecord, { domain: domain.id, type: 'MX' }, { filters: false });
  if (records.length === 0 || settings.defaultMx.length === 0) return true;
  const ours = new Set(settings.defaultMx.map((mx) => host(targetOf('MX', mx) ?? '')));
  return records.some((r) => ours.has(host(targetOf('MX', r.value) ?? '')));
}
