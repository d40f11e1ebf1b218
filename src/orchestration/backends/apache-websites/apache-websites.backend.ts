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
import { bashFragment } from '../../shell/fragment.js';
import { defineWebsitesBackend } from '../web/websites-backend.js';
import { siteTlsDir } from '../web/website-snapshot.js';
import { renderApacheSite } from './apache-config.js';

export const apacheWebsitesBackend = defineWebsitesBackend({
  name: 'apache-websites',
  description: 'Websites on Apache 2.4: one file per site, checked with apache2 -t before it replaces the live one, one graceful reload per run.',
  fragment: bashFragment(new URL('./apache.sh', import.meta.url)),
  saveFragment: bashFragment(new URL('./apache-save.sh', import.meta.url)),
  prefix: 'apache',
  saveArguments: (s, https) => [renderApacheSite(s), https ? siteTlsDir(s.id) : ''],
});
