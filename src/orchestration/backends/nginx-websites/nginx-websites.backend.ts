/**
 * Websites on nginx (django-orchestra had only Apache, inventory §2.8 and §4 row Apache2; this is the same model on
 * nginx): one file per website, `/etc/nginx/orchestra/sites/site-<id>.conf`, included by
 * `/etc/nginx/conf.d/orchestra.conf` (inside Debian's `http {}`), rendered by ./nginx-config.ts.
 *
 * Decisions:
 * - Validation before replace: only the candidate files (those that differ from the live ones) are staged
 *   (../web/site-stage.sh, ../web/site-save.sh) and checked by `nginx -t` against a configuration that includes
 *   every live Orchestra site with the candidates in their place: once for all of them, and only if that refuses,
 *   one by one (each with those accepted before it); refused, the staged file is dropped (the live one stays), the
 *   run is FAILURE with nginx's message, and the other sites of the group still apply. (One check per site made a
 *   sync of 500 sites 500 checks of 500 sites: past the run's timeout on a busy server, bench/websites.ts.) The
 *   commit moves the staged files into place, checks the server's whole configuration with `nginx -t` once more,
 *   and reloads ONCE. A reload is pending as a marker file until one succeeded (src/orchestration/backends/backend.ts).
 * - Disabled (the website or its account): every request answers 503 "This website is disabled."; ACME challenges
 *   are still answered on port 80, a site's other servers asked for a token this one lacks (../web/acme-peers.ts).
 * - https: the certificate and key are in /etc/orchestra/tls/site-<id>/ — a self-signed placeholder until an issued
 *   one is installed there. HTTPS_ONLY: port 80 redirects to https.
 * - Reload: `systemctl reload nginx` where systemd runs it, else `nginx -s reload` (the pid file of nginx.conf).
 */
import { defineBackend } from '../backend.js';
import { unresolvedPeersWarning } from '../web/acme-peers.js';
import { ShellCode, joinShell, sh } from '../../shell/quote.js';
import { bashFragment } from '../../shell/fragment.js';
import { portsOf, siteFileName, siteTlsDir, validateWebsite, type WebsiteSnapshot } from '../web/website-snapshot.js';
import { renderNginxSite } from './nginx-config.js';

const NGINX = bashFragment(new URL('./nginx.sh', import.meta.url));
const NGINX_SAVE = bashFragment(new URL('./nginx-save.sh', import.meta.url));
const SITE_STAGE = bashFragment(new URL('../web/site-stage.sh', import.meta.url));
const SITE_SAVE = bashFragment(new URL('../web/site-save.sh', import.meta.url));
const SITE_REMOVE = bashFragment(new URL('../web/site-remove.sh', import.meta.url));
const SITE_TLS = bashFragment(new URL('../web/site-tls.sh', import.meta.url));

export const nginxWebsitesBackend = defineBackend<WebsiteSnapshot>({
  name: 'nginx-websites',
  description: 'Websites on nginx: one file per site, checked with nginx -t before it replaces the live one, one reload per run.',
  model: 'Website',
  ignoredFields: ['createdAt', 'updatedAt'],
  actions: ['save', 'delete'],
  timeoutMs: 2 * 60_000,
  matchFields: ['website.name', 'website.protocol', 'website.isActive', 'account.username', 'account.type'],
  booleanMatchFields: ['website.isActive'],
  snapshot: (source) => validateWebsite(source, true, 'nginx-websites'),
  parseSnapshot: (raw) => validateWebsite(raw, false, 'nginx-websites'),
  matchContext: (s) => ({ website: { name: s.name, protocol: s.protocol, isActive: s.isActive }, account: { username: s.accountUsername, type: s.accountType } }),
  label: (s) => `${s.accountUsername}/${s.name}`,
  prepare(operations) {
    const tls = operations.some((op) => op.action === 'save' && portsOf(op.snapshot.protocol).includes(443));
    const saves = operations.some((op) => op.action === 'save');
    const deletes = operations.some((op) => op.action === 'delete');
    // Only the functions the sections call: shellcheck flags a function no one calls as dead code.
    const used = [SITE_STAGE, NGINX, saves ? SITE_SAVE : null, saves ? NGINX_SAVE : null, deletes ? SITE_REMOVE : null, tls ? SITE_TLS : null].filter((f) => f !== null);
    return joinShell([...used, ShellCode.trusted('nginx_begin')], '\n\n');
  },
  section(op) {
    const s = op.snapshot;
    if (op.action === 'delete') return sh`site_remove ${siteFileName(s.id)}`;
    const parts: ShellCode[] = unresolvedPeersWarning(s);
    if (portsOf(s.protocol).includes(443)) parts.push(sh`site_tls_placeholder ${siteTlsDir(s.id)} ${s.domains[0]!}`);
    parts.push(sh`site_save ${siteFileName(s.id)} ${renderNginxSite(s)}`);
    return joinShell(parts);
  },
  commit(operations) {
    return ShellCode.trusted(operations.some((op) => op.action === 'save') ? 'site_check\nnginx_commit' : 'nginx_commit');
  },
});
