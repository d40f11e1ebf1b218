/**
 * A website's Apache 2.4 configuration (one file of virtual hosts). Every value was checked by
 * ../web/web-values.ts to plain characters and is written double-quoted; nothing in it means anything to Apache's
 * `${}` or `%{}` (the `%{HTTP_HOST}`… below are written here, never data).
 */
import { DISABLED_BODY } from '../nginx-websites/nginx-config.js';
import { ACME_WEBROOT, FORWARDED_HEADER, hasPeers } from '../web/acme-peers.js';
import { peerHostPort } from '../web/web-values.js';
import { portsOf, siteTlsDir, type SiteContent, type WebsiteSnapshot } from '../web/website-snapshot.js';

const q = (value: string) => `"${value}"`;

/** mod_rewrite conditions of a rule for every request but ACME's HTTP-01 challenges (answered whatever the site is). */
const NOT_ACME = ['    RewriteEngine On', '    RewriteCond "%{REQUEST_URI}" "!^/\\.well-known/acme-challenge/"'];

function contentLines(c: SiteContent): string[] {
  const lines = [`    # web app ${c.appName}`];
  if (c.path === '/') lines.push(`    DocumentRoot ${q(c.documentRoot)}`);
  else lines.push(`    RedirectMatch 301 ${q(`^${c.path}$`)} ${q(`${c.path}/`)}`, `    Alias ${q(`${c.path}/`)} ${q(`${c.documentRoot}/`)}`);
  lines.push(
    `    <Directory ${q(c.documentRoot)}>`,
    '        Options +FollowSymLinks -Indexes',
    '        AllowOverride None',
    '        Require all granted',
    `        DirectoryIndex ${c.phpSocket ? 'index.php ' : ''}index.html index.htm`,
  );
  if (c.phpSocket) {
    lines.push('        <FilesMatch "\\.php$">', `            SetHandler ${q(`proxy:unix:${c.phpSocket}|fcgi://localhost`)}`, '        </FilesMatch>');
  }
  lines.push('    </Directory>');
  return lines;
}

function hostBody(s: WebsiteSnapshot): string[] {
  if (!s.isActive) return [`    ErrorDocument 503 ${q(DISABLED_BODY)}`, ...NOT_ACME, '    RewriteRule "^" "-" [R=503,L]'];
  const lines: string[] = [];
  for (const d of s.directives) {
    if (d.kind === 'ERROR_DOCUMENT') lines.push(`    ErrorDocument ${d.path} ${q(d.value)}`);
    if (d.kind === 'REDIRECT') lines.push(`    Redirect permanent ${q(d.path)} ${q(d.value)}`);
    if (d.kind === 'PROXY') lines.push(`    ProxyPass ${q(d.path)} ${q(d.value)}`, `    ProxyPassReverse ${q(d.path)} ${q(d.value)}`);
  }
  if (s.directives.some((d) => d.kind === 'PROXY')) lines.push('    ProxyPreserveHost On');
  const claimed = new Set(s.directives.filter((d) => d.kind !== 'ERROR_DOCUMENT').map((d) => d.path));
  // Longest path first: Apache takes the first Alias that matches.
  for (const c of s.contents) if (!claimed.has(c.path)) lines.push(...contentLines(c));
  return lines;
}

/**
 * A challenge whose token is not in the webroot, asked of the first peer that is not this server (the address the
 * request came to), with the site's name as Host and FORWARDED_HEADER set; a forwarded request is not forwarded
 * again (../web/acme-peers.ts). mod_rewrite takes the first rule that applies, so Apache asks one peer: enough for
 * a site on two servers.
 */
function challengeFallback(s: WebsiteSnapshot): string[] {
  if (!hasPeers(s)) return [];
  const lines = [
    `    # ACME challenges of the site's other servers (${FORWARDED_HEADER}: forwarded once, never again).`,
    '    RewriteEngine On',
    '    ProxyPreserveHost On',
    `    RequestHeader set ${FORWARDED_HEADER} "1" env=orchestra_acme_forwarded`,
  ];
  for (const peer of s.peers) {
    lines.push(
      `    RewriteCond "%{HTTP:${FORWARDED_HEADER}}" "^$"`,
      `    RewriteCond "${ACME_WEBROOT}%{REQUEST_URI}" "!-f"`,
      `    RewriteCond "%{SERVER_ADDR}" ${q(`!=${peer}`)}`,
      `    RewriteRule "^/\\.well-known/acme-challenge/[A-Za-z0-9_-]+$" ${q(`http://${peerHostPort(peer, 80)}%{REQUEST_URI}`)} [P,L,E=orchestra_acme_forwarded:1]`,
    );
  }
  return lines;
}

export function renderApacheSite(s: WebsiteSnapshot): string {
  const out = [`# Website ${s.name} of ${s.accountUsername}, managed by Orchestra: changes here are overwritten.`];
  const names = [`    ServerName ${s.domains[0]}`, ...(s.domains.length > 1 ? [`    ServerAlias ${s.domains.slice(1).join(' ')}`] : [])];
  // Debian's combined format plus the bytes sent (%O, headers included) last: the traffic monitor sums those.
  const log = `    CustomLog ${q(`/var/log/apache2/orchestra/site-${s.id}.access.log`)} "%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\" %O"`;
  const acme = '    Alias "/.well-known/acme-challenge/" "/var/lib/orchestra/acme/.well-known/acme-challenge/"';
  for (const port of portsOf(s.protocol)) {
    out.push(`<VirtualHost *:${port}>`, ...names, log);
    if (port === 443) {
      const tls = siteTlsDir(s.id);
      out.push('    SSLEngine on', `    SSLCertificateFile ${q(`${tls}/fullchain.pem`)}`, `    SSLCertificateKeyFile ${q(`${tls}/privkey.pem`)}`, ...hostBody(s));
    } else {
      out.push(acme, '    <Directory "/var/lib/orchestra/acme">', '        Require all granted', '    </Directory>', ...challengeFallback(s));
      if (s.protocol === 'HTTPS_ONLY' && s.isActive) out.push(...NOT_ACME, '    RewriteRule "^" "https://%{HTTP_HOST}%{REQUEST_URI}" [R=301,L]');
      else out.push(...hostBody(s));
    }
    out.push('</VirtualHost>');
  }
  return `${out.join('\n')}\n`;
}
