import type { EntityManager } from '@mikro-orm/postgresql';
import { Operation } from '../entities/orchestration/operation.js';
import type { WebsiteCertificate } from '../entities/web/website.js';
import { Website } from '../entities/web/website.js';

/**
 * What some backends' runs report back: metadata lines their script prints (never secrets), stored once the run has
 * ended, for the objects of its own operations only. Today: acme-certificates' `orchestra-certificate` lines.
 */
const REPORTS: Record<string, (em: EntityManager, objectIds: Set<string>, stdout: string) => Promise<void>> = {
  'acme-certificates': storeCertificateReports,
};

/** Whether runs of this backend report anything (most do not: nothing to read or store). */
export function hasRunReport(backend: string): boolean {
  return backend in REPORTS;
}

export async function recordRunReport(em: EntityManager, scriptRunId: string, backend: string, stdout: string): Promise<void> {
  const report = REPORTS[backend];
  if (!report) return;
  const operations = await em.find(Operation, { run: scriptRunId }, { filters: false, fields: ['objectId'] });
  await report(em, new Set(operations.map((o) => o.objectId)), stdout);
}

const LINE = /^orchestra-certificate ([0-9]+) (ISSUED|KEPT) (\S+) ([0-9A-Fa-f]{64}) (.*)$|^orchestra-certificate ([0-9]+) FAILED ?(.*)$/;

async function storeCertificateReports(em: EntityManager, objectIds: Set<string>, stdout: string): Promise<void> {
  const checkedAt = new Date().toISOString();
  for (const line of stdout.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const id = m[1] ?? m[6]!;
    if (!objectIds.has(id)) continue;
    let certificate: WebsiteCertificate;
    if (m[1]) {
      certificate = { state: m[2] as 'ISSUED' | 'KEPT', notAfter: Number.isNaN(Date.parse(m[3]!)) ? null : m[3]!, fingerprint: m[4]!.toLowerCase(), issuer: m[5]!.slice(0, 500), error: null, checkedAt };
    } else {
      const previous = (await em.findOne(Website, { id }, { filters: false, fields: ['certificate'] }))?.certificate;
      certificate = { state: 'FAILED', issuer: previous?.issuer ?? null, notAfter: previous?.notAfter ?? null, fingerprint: previous?.fingerprint ?? null, error: (m[7] ?? '').slice(0, 2000), checkedAt };
    }
    // A direct update: metadata of the servers' state, not a change of the website (nothing to orchestrate).
    await em.nativeUpdate(Website, { id }, { certificate }, { filters: false });
  }
}
