/**
 * TLS certificates of https websites by ACME HTTP-01 (the original's LetsEncrypt, inventory §4, done by a client that
 * runs on the web server: ./acme.sh, curl and openssl). Routed to the same servers as the website's nginx-websites or
 * apache-websites route, and registered after both: a new site's configuration (its placeholder certificate, and the
 * challenge location on port 80, which both web servers serve from the same webroot) is live before its certificate
 * is asked for.
 *
 * Decisions:
 * - The account key (/var/lib/orchestra/acme-account/<directory>/account.key) and each site's key
 *   (/etc/orchestra/tls/site-<id>/privkey.pem) are made on the server and never leave it; the run prints one metadata
 *   line per site (issuer, not-after, SHA-256 fingerprint), which ./certificate-report.ts stores.
 * - A save issues a certificate unless the site has an issued one for the same names valid for more than the renewal
 *   threshold (ORCHESTRA_ACME_RENEW_DAYS): the renewal schedule is a save of the sites near expiry.
 * - A failure (validation refused, CA unreachable) is FAILURE with the ACME error; the certificate the site had (the
 *   placeholder or the last issued one) stays in place and is still served.
 * - Reload: once per run, only if a certificate changed, and only the web server that serves a changed site on this
 *   server (the site's file among nginx's or Apache's Orchestra sites): nginx's reload or Apache's graceful restart,
 *   each with its backend's pending marker. A server where no certificate changed reloads nothing.
 * - A site that stops using https keeps its files until it is deleted (nothing serves them).
 */
import { acmeSettingsProblem, acmeSettings, type AcmeSettings } from '../../../config/acme-settings.js';
import { defineBackend } from '../backend.js';
import { ShellCode, joinShell, sh } from '../../shell/quote.js';
import { bashFragment } from '../../shell/fragment.js';
import { IssueList, isPlainObject, own } from '../validation.js';
import { validateSiteDomain, validateWebName } from '../web/web-values.js';
import { portsOf, siteTlsDir, WEBSITE_PROTOCOLS, type WebsiteProtocolName } from '../web/website-snapshot.js';

const ACME = bashFragment(new URL('./acme.sh', import.meta.url));
const SITE_STAGE = bashFragment(new URL('../web/site-stage.sh', import.meta.url));
const NGINX = bashFragment(new URL('../nginx-websites/nginx.sh', import.meta.url));
const APACHE = bashFragment(new URL('../apache-websites/apache.sh', import.meta.url));

export interface CertificateSnapshot {
  id: string;
  name: string;
  accountUsername: string;
  domains: string[];
  acme: AcmeSettings;
}

function isHttps(source: unknown): boolean {
  const protocol = isPlainObject(source) ? (own(source, 'protocol') as WebsiteProtocolName) : null;
  return protocol !== null && WEBSITE_PROTOCOLS.includes(protocol) && portsOf(protocol).includes(443);
}

function validateCertificate(raw: unknown, fromSource: boolean): CertificateSnapshot {
  const issues = new IssueList();
  const obj = issues.object(raw, 'acme-certificates');
  const id = issues.id(obj, 'id');
  if (id && !/^[0-9]+$/.test(id)) issues.add('id', 'must be a number');
  const name = issues.string(obj, 'name');
  if (name) issues.check('name', validateWebName(name));
  const accountUsername = issues.string(obj, 'accountUsername');
  const rawDomains = own(obj, 'domains');
  const domains: string[] = [];
  if (!Array.isArray(rawDomains) || rawDomains.length === 0) issues.add('domains', 'must be a list of at least one domain name');
  else {
    rawDomains.forEach((d, i) => {
      if (typeof d !== 'string') return issues.add(`domains[${i}]`, 'must be a string');
      if (issues.check(`domains[${i}]`, validateSiteDomain(d)) && !domains.includes(d)) domains.push(d);
    });
  }
  const acme = (fromSource ? acmeSettings() : own(obj, 'acme')) as AcmeSettings;
  if (!isPlainObject(acme)) issues.add('acme', 'must be an object');
  else {
    const problem = acmeSettingsProblem(acme);
    if (problem) issues.add('acme', problem);
  }
  issues.throwIfAny('acme-certificates');
  return { id, name, accountUsername, domains, acme: { directoryUrl: acme.directoryUrl, contact: acme.contact, caFile: acme.caFile, renewDays: acme.renewDays } };
}

export const acmeCertificatesBackend = defineBackend<CertificateSnapshot>({
  name: 'acme-certificates',
  description: 'TLS certificates of https websites by ACME HTTP-01 from the server itself (keys never leave it), the web server serving a changed one (nginx or Apache) reloaded once.',
  model: 'Website',
  ignoredFields: [],
  actions: ['save', 'delete'],
  timeoutMs: 10 * 60_000,
  matchFields: ['website.name', 'account.username'],
  serves: isHttps,
  snapshot: (source) => validateCertificate(source, true),
  parseSnapshot: (raw) => validateCertificate(raw, false),
  matchContext: (s) => ({ website: { name: s.name }, account: { username: s.accountUsername } }),
  label: (s) => `${s.accountUsername}/${s.name}`,
  prepare(operations) {
    const save = operations.find((op) => op.action === 'save');
    // Only the functions the sections call: shellcheck flags a function no one calls as dead code.
    if (!save) return ShellCode.trusted('# deletes only: no ACME account needed');
    const { directoryUrl, contact, caFile } = save.snapshot.acme;
    return joinShell([SITE_STAGE, NGINX, APACHE, ACME, sh`acme_begin ${directoryUrl} ${contact ?? ''} ${caFile ?? ''}`], '\n\n');
  },
  section(op) {
    const s = op.snapshot;
    if (op.action === 'delete') return sh`rm -rf -- ${siteTlsDir(s.id)} || fail ${`cannot remove ${siteTlsDir(s.id)}`}`;
    return sh`acme_certificate ${s.id} ${siteTlsDir(s.id)} ${s.acme.renewDays} ${s.domains}`;
  },
  commit(operations) {
    return operations.some((op) => op.action === 'save') ? ShellCode.trusted('acme_end') : ShellCode.trusted('# nothing to reload');
  },
});
