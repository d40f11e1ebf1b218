/**
 * Websites on Apache 2.4 (django-orchestra's Apache2Backend, inventory §4 row Apache2): one file per website,
 * `/etc/apache2/orchestra/sites/site-<id>.conf`, included by `/etc/apache2/sites-enabled/zz-orchestra.conf` (last, so
 * the default site keeps the names no website claims), rendered by ./apache-config.ts from the same snapshot as
 * nginx's.
 *
 * Decisions (as nginx-websites, ../nginx-websites/nginx-websites.backend.ts):
 * - Validation before replace: the candidates (files that differ from the live ones) are checked by `apache2 -t -f`
 *   against the server's own apache2.conf with Orchestra's live sites, the staged candidates in their place: once
 *   for all, and only if that refuses, one by one (as nginx-websites); refused, the live file stays and the run is
 *   FAILURE with Apache's message. `apache2 -t` does not read certificates (a graceful restart would, and
 *   die on a bad one): openssl checks an https site's certificate and key too. One graceful reload per run, pending as a marker file until it succeeded.
 * - PHP through mod_proxy_fcgi to the app's pool socket; the modules a site needs (headers, proxy, proxy_fcgi, proxy_http,
 *   rewrite, ssl) are enabled by the script when missing.
 * - Disabled: 503 "This website is disabled." for everything but ACME challenges.
 * - Reload: `systemctl reload apache2` where systemd runs it, else `apache2ctl graceful`.
 */
import { defineBackend } from '../backend.js';
import { unresolvedPeersWarning } from '../web/acme-peers.js';
import { ShellCode, joinShell, sh } from '../../shell/quote.js';
import { bashFragment } from '../../shell/fragment.js';
import { portsOf, siteFileName, siteTlsDir, validateWebsite, type WebsiteSnapshot } from '../web/website-snapshot.js';
import { renderApacheSite } from './apache-config.js';

const APACHE = bashFragment(new URL('./apache.sh', import.meta.url));
const APACHE_SAVE = bashFragment(new URL('./apache-save.sh', import.meta.url));
const SITE_STAGE = bashFragment(new URL('../web/site-stage.sh', import.meta.url));
const SITE_SAVE = bashFragment(new URL('../web/site-save.sh', import.meta.url));
const SITE_REMOVE = bashFragment(new URL('../web/site-remove.sh', import.meta.url));
const SITE_TLS = bashFragment(new URL('../web/site-tls.sh', import.meta.url));

export const apacheWebsitesBackend = defineBackend<WebsiteSnapshot>({
  name: 'apache-websites',
  description: 'Websites on Apache 2.4: one file per site, checked with apache2 -t before it replaces the live one, one graceful reload per run.',
  model: 'Website',
  ignoredFields: ['createdAt', 'updatedAt'],
  actions: ['save', 'delete'],
  timeoutMs: 2 * 60_000,
  matchFields: ['website.name', 'website.protocol', 'website.isActive', 'account.username', 'account.type'],
  booleanMatchFields: ['website.isActive'],
  snapshot: (source) => validateWebsite(source, true, 'apache-websites'),
  parseSnapshot: (raw) => validateWebsite(raw, false, 'apache-websites'),
  matchContext: (s) => ({ website: { name: s.name, protocol: s.protocol, isActive: s.isActive }, account: { username: s.accountUsername, type: s.accountType } }),
  label: (s) => `${s.accountUsername}/${s.name}`,
  prepare(operations) {
    const tls = operations.some((op) => op.action === 'save' && portsOf(op.snapshot.protocol).includes(443));
    const saves = operations.some((op) => op.action === 'save');
    const deletes = operations.some((op) => op.action === 'delete');
    // Only the functions the sections call: shellcheck flags a function no one calls as dead code.
    const used = [SITE_STAGE, APACHE, saves ? SITE_SAVE : null, saves ? APACHE_SAVE : null, deletes ? SITE_REMOVE : null, tls ? SITE_TLS : null].filter((f) => f !== null);
    return joinShell([...used, ShellCode.trusted('apache_begin')], '\n\n');
  },
  section(op) {
    const s = op.snapshot;
    if (op.action === 'delete') return sh`site_remove ${siteFileName(s.id)}`;
    const parts: ShellCode[] = unresolvedPeersWarning(s);
    const https = portsOf(s.protocol).includes(443);
    if (https) parts.push(sh`site_tls_placeholder ${siteTlsDir(s.id)} ${s.domains[0]!}`);
    parts.push(sh`site_save ${siteFileName(s.id)} ${renderApacheSite(s)} ${https ? siteTlsDir(s.id) : ''}`);
    return joinShell(parts);
  },
  commit(operations) {
    return ShellCode.trusted(operations.some((op) => op.action === 'save') ? 'site_check\napache_commit' : 'apache_commit');
  },
});
