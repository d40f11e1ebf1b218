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
import { bashFragment } from '../../shell/fragment.js';
import { defineWebsitesBackend } from '../web/websites-backend.js';
import { renderNginxSite } from './nginx-config.js';

export const nginxWebsitesBackend = defineWebsitesBackend({
  name: 'nginx-websites',
  description: 'Websites on nginx: one file per site, checked with nginx -t before it replaces the live one, one reload per run.',
  fragment: bashFragment(new URL('./nginx.sh', import.meta.url)),
  saveFragment: bashFragment(new URL('./nginx-save.sh', import.meta.url)),
  prefix: 'nginx',
  saveArguments: (s) => [renderNginxSite(s)],
});
