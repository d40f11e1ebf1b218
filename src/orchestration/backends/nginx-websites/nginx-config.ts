/**
 * A website's nginx configuration (one file of server blocks). Every value was checked by ../web/web-values.ts to
 * plain characters and is written double-quoted; `$host`, `$request_uri`… below are nginx's own variables, written
 * here, never data.
 */
import { ACME_WEBROOT, FORWARDED_HEADER, hasPeers } from '../web/acme-peers.js';
import { peerHostPort } from '../web/web-values.js';
import { portsOf, siteTlsDir, type SiteContent, type WebsiteSnapshot } from '../web/website-snapshot.js';

const q = (value: string) => `"${value}"`;

/** The response of a disabled website. */
export const DISABLED_BODY = 'This website is disabled.';

function contentLocation(c: SiteContent): string[] {
  const php = c.phpSocket
    ? [
        '        location ~ \\.php$ {',
        '            if (!-f $request_filename) { return 404; }',
        '            include /etc/nginx/fastcgi_params;',
        '            fastcgi_param SCRIPT_FILENAME $request_filename;',
        `            fastcgi_pass ${q(`unix:${c.phpSocket}`)};`,
        '        }',
      ]
    : [];
  const index = `        index ${c.phpSocket ? 'index.php ' : ''}index.html index.htm;`;
  if (c.path === '/') return [`    # web app ${c.appName}`, '    location / {', `        root ${q(c.documentRoot)};`, index, ...php, '    }'];
  return [
    `    # web app ${c.appName}`,
    `    location = ${q(c.path)} { return 301 ${q(`${c.path}/`)}; }`,
    `    location ^~ ${q(`${c.path}/`)} {`,
    `        alias ${q(`${c.documentRoot}/`)};`,
    index,
    ...php,
    '    }',
  ];
}

function serverBody(s: WebsiteSnapshot): string[] {
  if (!s.isActive) return ['    default_type text/plain;', `    return 503 ${q(`${DISABLED_BODY}\\n`)};`];
  const lines: string[] = [];
  for (const d of s.directives) {
    if (d.kind === 'ERROR_DOCUMENT') lines.push(`    error_page ${d.path} ${q(d.value)};`);
  }
  for (const d of s.directives) {
    if (d.kind === 'REDIRECT') lines.push(`    location ${d.path === '/' ? '/' : `^~ ${q(d.path)}`} { return 301 ${q(d.value)}; }`);
    if (d.kind === 'PROXY') {
      lines.push(
        `    location ${d.path === '/' ? '/' : `^~ ${q(d.path)}`} {`,
        `        proxy_pass ${q(d.value)};`,
        '        proxy_set_header Host $host;',
        '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
        '        proxy_set_header X-Forwarded-Proto $scheme;',
        '    }',
      );
    }
  }
  // A path a directive already claims is not mounted again (nginx refuses duplicate locations).
  const claimed = new Set(s.directives.filter((d) => d.kind !== 'ERROR_DOCUMENT').map((d) => d.path));
  for (const c of s.contents) if (!claimed.has(c.path)) lines.push(...contentLocation(c));
  return lines;
}

/** The upstream of a site's servers, asked for a challenge token this one does not have (../web/acme-peers.ts). */
const peersUpstream = (s: WebsiteSnapshot) => `orchestra_acme_site_${s.id}`;

/** nginx's variable of FORWARDED_HEADER. */
const FORWARDED_VARIABLE = `$http_${FORWARDED_HEADER.toLowerCase().replaceAll('-', '_')}`;

/**
 * Port 80's challenge location: the token from the webroot; on one server, 404 when it is not there; with peers, each
 * of them in turn (a 404 moves on to the next; a peer that is down too) unless the request was forwarded already.
 * The server itself is among its peers: asked with the header, it answers 404 at once.
 */
function challengeLocations(s: WebsiteSnapshot): string[] {
  const root = `root ${q(ACME_WEBROOT)}; default_type text/plain;`;
  if (!hasPeers(s)) return [`    location ^~ /.well-known/acme-challenge/ { ${root} }`];
  return [
    `    location ^~ /.well-known/acme-challenge/ { ${root} try_files $uri @orchestra_acme_peers; }`,
    '    location @orchestra_acme_peers {',
    `        if (${FORWARDED_VARIABLE}) { return 404; }`,
    `        proxy_pass http://${peersUpstream(s)};`,
    '        proxy_set_header Host $host;',
    `        proxy_set_header ${FORWARDED_HEADER} 1;`,
    '        proxy_next_upstream error timeout http_404;',
    '        proxy_connect_timeout 5s;',
    '        proxy_read_timeout 10s;',
    '    }',
  ];
}

export function renderNginxSite(s: WebsiteSnapshot): string {
  const out = [`# Website ${s.name} of ${s.accountUsername}, managed by Orchestra: changes here are overwritten.`];
  if (hasPeers(s) && portsOf(s.protocol).includes(80)) {
    // max_fails=0: a peer that did not answer one challenge is still asked for the next one.
    out.push(`upstream ${peersUpstream(s)} {`, ...s.peers.map((p) => `    server ${peerHostPort(p, 80)} max_fails=0;`), '}');
  }
  const names = `    server_name ${s.domains.join(' ')};`;
  // The `orchestra` format (./nginx.sh) is nginx's combined one plus the bytes sent: the traffic monitor sums those.
  const log = `    access_log ${q(`/var/log/nginx/orchestra/site-${s.id}.access.log`)} orchestra;`;
  for (const port of portsOf(s.protocol)) {
    out.push('server {');
    if (port === 443) {
      const tls = siteTlsDir(s.id);
      out.push('    listen 443 ssl;', names, `    ssl_certificate ${q(`${tls}/fullchain.pem`)};`, `    ssl_certificate_key ${q(`${tls}/privkey.pem`)};`, log);
      out.push(...serverBody(s));
    } else {
      out.push('    listen 80;', names, log);
      // ACME HTTP-01 challenges are answered on port 80 whatever the site is (disabled and https-only included).
      out.push(...challengeLocations(s));
      if (s.protocol === 'HTTPS_ONLY' && s.isActive) out.push('    location / { return 301 https://$host$request_uri; }');
      else out.push(...serverBody(s));
    }
    out.push('}');
  }
  return `${out.join('\n')}\n`;
}
