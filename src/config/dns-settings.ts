/**
 * What every zone gets from configuration (django-orchestra's DOMAINS_DEFAULT_* settings): the default NS, MX, A
 * and AAAA records, the SOA values and the default TTL. Read from the environment like the rest of the
 * configuration; loadConfig (./config.ts) reports bad values at start, and the zone builder reads the same values
 * through `dnsSettings()` (the collector, which builds zones, has no configuration object of its own).
 *
 * | variable | default |
 * | ORCHESTRA_DNS_DEFAULT_NS | ns1.orchestra.invalid,ns2.orchestra.invalid (set your name servers) |
 * | ORCHESTRA_DNS_DEFAULT_MX | none; e.g. "10 mx1.example.net,20 mx2.example.net" |
 * | ORCHESTRA_DNS_DEFAULT_A, ORCHESTRA_DNS_DEFAULT_AAAA | none; the web servers' addresses |
 * | ORCHESTRA_DNS_SOA_EMAIL | hostmaster@<the zone> |
 * | ORCHESTRA_DNS_TTL, _REFRESH, _RETRY, _EXPIRE, _MIN_TTL | 3600, 86400, 7200, 2419200, 3600 (seconds) |
 */
import { parseRecordValue, TTL_MAX, type RecordType } from '../orchestration/backends/dns/dns-record.js';
import { parseDomainName } from '../orchestration/backends/dns/dns-name.js';

export interface DnsSettings {
  defaultNs: string[];
  defaultMx: string[];
  defaultA: string[];
  defaultAaaa: string[];
  /** Null: hostmaster@<zone>. Else RNAME, absolute (hostmaster.example.net.). */
  soaEmail: string | null;
  ttl: number;
  refresh: number;
  retry: number;
  expire: number;
  minTtl: number;
}

type Env = Record<string, string | undefined>;

/** The settings and every problem found in the variables. */
export function readDnsSettings(env: Env): { settings: DnsSettings; problems: string[] } {
  const problems: string[] = [];
  const list = (name: string, type: RecordType, fallback: string): string[] => {
    const raw = env[name] ?? fallback;
    return raw
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '')
      .flatMap((v) => {
        const parsed = parseRecordValue(type, v);
        if (parsed.ok) return [parsed.value];
        problems.push(`${name}: "${v}" ${parsed.error}`);
        return [];
      });
  };
  const seconds = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^[0-9]{1,10}$/.test(raw) || Number(raw) > TTL_MAX) {
      problems.push(`${name} must be a number of seconds from 0 to ${TTL_MAX}, got "${raw}"`);
      return fallback;
    }
    return Number(raw);
  };
  let soaEmail: string | null = null;
  const email = env.ORCHESTRA_DNS_SOA_EMAIL;
  if (email) {
    const at = email.lastIndexOf('@');
    const local = email.slice(0, at);
    const domain = parseDomainName(email.slice(at + 1));
    if (at < 1 || !/^[A-Za-z0-9._+-]{1,64}$/.test(local) || !domain.ok) problems.push(`ORCHESTRA_DNS_SOA_EMAIL must be an e-mail address, got "${email}"`);
    else soaEmail = `${local.replaceAll('.', '\\.')}.${(domain as { name: string }).name}.`;
  }
  const settings: DnsSettings = {
    defaultNs: list('ORCHESTRA_DNS_DEFAULT_NS', 'NS', 'ns1.orchestra.invalid,ns2.orchestra.invalid'),
    defaultMx: list('ORCHESTRA_DNS_DEFAULT_MX', 'MX', ''),
    defaultA: list('ORCHESTRA_DNS_DEFAULT_A', 'A', ''),
    defaultAaaa: list('ORCHESTRA_DNS_DEFAULT_AAAA', 'AAAA', ''),
    soaEmail,
    ttl: seconds('ORCHESTRA_DNS_TTL', 3600),
    refresh: seconds('ORCHESTRA_DNS_REFRESH', 86400),
    retry: seconds('ORCHESTRA_DNS_RETRY', 7200),
    expire: seconds('ORCHESTRA_DNS_EXPIRE', 2419200),
    minTtl: seconds('ORCHESTRA_DNS_MIN_TTL', 3600),
  };
  return { settings, problems };
}

let current: DnsSettings | undefined;

/** The process's DNS settings (read once; loadConfig has refused bad values before anything uses them). */
export function dnsSettings(): DnsSettings {
  current ??= readDnsSettings(process.env).settings;
  return current;
}

/** For tests: settings to use instead of the environment's (undefined: read the environment again). */
export function setDnsSettings(settings: DnsSettings | undefined): void {
  current = settings;
}
