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
 * A challenge whose token is not in the webroot, passed along the ring of the site's servers (sorted peers, the last
 * followed by the first): each asks the next one after itself (found by the address the request came to), with the
 * site's name as Host and FORWARDED_HEADER counting the hops so far. A request that made as many hops as there are
 * other servers has been to every one of them and is answered from the webroot alone (../web/acme-peers.ts).
 * mod_rewrite cannot retry a 404 with another peer (and mod_proxy_balancer's failonstatus would take the peer out
 * of the balancer for later requests), so a chain it is: whichever server the CA reaches, every server is asked.
 */
function challengeFallback(s: WebsiteSnapshot): string[] {
  if (!hasPeers(s)) return [];
  const challenge = '"^/\\.well-known/acme-challenge/[A-Za-z0-9_-]+$"';
  const missing = `    RewriteCond "${ACME_WEBROOT}%{REQUEST_URI}" "!-f"`;
  const lines = [
    `    # ACME challenges of the site's other servers, along the ring of its ${s.peers.length} servers (${FORWARDED_HEADER}: the hops so far).`,
    '    RewriteEngine On',
    '    ProxyPreserveHost On',
    `    RequestHeader set ${FORWARDED_HEADER} "%{orchestra_acme_hops}e" env=orchestra_acme_hops`,
  ];
  // The hop count this server would send: one more than it received, unless the request has been everywhere.
  for (let hops = 0; hops < s.peers.length - 1; hops++) {
    lines.push(missing, `    RewriteCond "%{HTTP:${FORWARDED_HEADER}}" ${q(hops === 0 ? '^$' : `^${hops}$`)}`, `    RewriteRule ${challenge} "-" [E=orchestra_acme_hops:${hops + 1}]`);
  }
  s.peers.forEach((self, i) => {
    const next = s.peers[(i + 1) % s.peers.length]!;
    lines.push(
      '    RewriteCond "%{ENV:orchestra_acme_hops}" "!^$"',
      `    RewriteCond "%{SERVER_ADDR}" ${q(`=${self}`)}`,
      `    RewriteRule ${challenge} ${q(`http://${peerHostPort(next, 80)}%{REQUEST_URI}`)} [P,L]`,
    );
  });
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
