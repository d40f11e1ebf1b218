import type { Backend } from '../../src/orchestration/backends/backend.js';
import type { SystemUserSource } from '../../src/orchestration/backends/system-users/system-users.backend.js';

/** A fixed SHA-512-crypt hash, so rendered scripts (and golden files) are stable. */
export const HASH_1 = '$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.';

/** The script of one save of the object `source` describes (a group of one operation). */
export function renderSave(backend: Backend, source: unknown): string {
  return backend.render([{ operationId: 'op-1', action: 'save', model: backend.model, objectId: '1', snapshot: backend.snapshot(source) as Record<string, unknown> }]);
}

/** A main bash system user `alice` of an active account, with what a test changes. */
export function user(overrides: Partial<SystemUserSource> = {}): SystemUserSource {
  return {
    username: 'alice',
    passwordHash: HASH_1,
    shell: '/bin/bash',
    groups: [],
    isActive: true,
    isMain: true,
    account: { username: 'alice', isActive: true, type: 'INDIVIDUAL' },
    ...overrides,
  };
}

import type { DomainSource, ZoneRecord } from '../../src/orchestration/backends/dns/zone.js';

/** A top domain (example.com unless `overrides.name`) with a record of every type, served by one slave. */
export function domain(overrides: Partial<DomainSource> = {}): DomainSource {
  const origin = overrides.name ?? 'example.com';
  const example: ZoneRecord[] = [
    { name: 'example.com', type: 'NS', ttl: null, value: 'ns1.example.net.', id: null },
    { name: 'example.com', type: 'NS', ttl: null, value: 'ns2.example.net.', id: null },
    { name: 'example.com', type: 'A', ttl: null, value: '192.0.2.10', id: '1' },
    { name: 'example.com', type: 'AAAA', ttl: 300, value: '2001:db8::10', id: '2' },
    { name: 'example.com', type: 'MX', ttl: null, value: '10 mail.example.com.', id: '3' },
    { name: 'example.com', type: 'TXT', ttl: null, value: 'v=spf1 mx -all', id: '4' },
    { name: 'example.com', type: 'CAA', ttl: null, value: '0 issue "letsencrypt.org"', id: '5' },
    { name: 'mail.example.com', type: 'A', ttl: null, value: '192.0.2.25', id: '6' },
    { name: 'www.example.com', type: 'CNAME', ttl: null, value: 'example.com.', id: '7' },
    { name: '_sip._tcp.example.com', type: 'SRV', ttl: null, value: '10 5 5060 sip.example.net.', id: '8' },
    { name: '*.example.com', type: 'A', ttl: null, value: '192.0.2.10', id: '9' },
  ];
  const rename = (text: string) => text.replace(/example\.com(\.?)$/, `${origin}$1`);
  const records = example.map((r) => ({ ...r, name: rename(r.name), value: r.type === 'CAA' ? r.value : rename(r.value) }));
  return {
    name: origin,
    top: null,
    zone: {
      serial: 2026112901,
      ttl: 3600,
      soa: { primaryNs: 'ns1.example.net.', email: `hostmaster.${origin}.`, refresh: 86400, retry: 7200, expire: 2419200, minimum: 3600 },
      records,
    },
    slaves: ['192.0.2.53'],
    masters: ['192.0.2.1'],
    account: { type: 'INDIVIDUAL' },
    ...overrides,
  };
}
