/**
 * Pure checks of a website's peers (src/orchestration/backends/web/acme-peers.ts): which addresses may reach a web
 * server's configuration, and when the challenge fallback is rendered. The fallback's effect on real servers is in
 * tests/web-tls-peers.test.ts (nginx) and tests/web-tls-servers.test.ts (Apache).
 */
import { describe, expect, test } from '@jest/globals';
import { SnapshotValidationError } from '../src/orchestration/backends/backend.js';
import { renderApacheSite } from '../src/orchestration/backends/apache-websites/apache-config.js';
import { renderNginxSite } from '../src/orchestration/backends/nginx-websites/nginx-config.js';
import { validatePeerAddress } from '../src/orchestration/backends/web/web-values.js';
import { validateWebsite, type WebsiteProtocolName } from '../src/orchestration/backends/web/website-snapshot.js';
import { websiteSource } from './support/web-golden-cases.js';

const site = (peers: string[], protocol: WebsiteProtocolName = 'HTTPS_ONLY') => validateWebsite(websiteSource({ peers, protocol }), true, 'nginx-websites');

describe('peer addresses', () => {
  test.each(['10.0.0.1', '192.0.2.255', '2001:db8::3', '::1'])('%s is a peer', (address) => {
    expect(validatePeerAddress(address)).toBeNull();
  });

  test.each(['web1.example.net', '10.0.0.1; }', '10.0.0.1\nserver 6.6.6.6:80', '256.1.1.1', '10.0.0', '"10.0.0.1"', '$(id)', '2001:DB8::3', '1::2::3', ''])(
    '%j is refused',
    (address) => {
      expect(validatePeerAddress(address)).not.toBeNull();
      expect(() => site(['10.0.0.9', address])).toThrow(SnapshotValidationError);
    },
  );

  test('a snapshot stored before peers existed has none', () => {
    const { peers: _peers, ...old } = site(['10.0.0.1', '10.0.0.2']);
    expect(validateWebsite(old, false, 'nginx-websites').peers).toEqual([]);
  });
});

describe('the challenge fallback is rendered for a site on two servers or more, on port 80', () => {
  test('one server (itself): no upstream, no forwarding', () => {
    for (const peers of [[], ['10.0.0.1']]) {
      expect(renderNginxSite(site(peers))).not.toMatch(/upstream|X-Orchestra-Acme-Forwarded/);
      expect(renderApacheSite(site(peers))).not.toMatch(/X-Orchestra-Acme-Forwarded|\[P/);
    }
  });

  test('two servers: nginx asks every peer (404 moves on), loop-guarded; Apache asks the next server of the ring, one hop at most', () => {
    const nginx = renderNginxSite(site(['10.0.0.2', '10.0.0.1']));
    expect(nginx).toContain('upstream orchestra_acme_site_3 {\n    server 10.0.0.1:80 max_fails=0;\n    server 10.0.0.2:80 max_fails=0;\n}');
    expect(nginx).toContain('try_files $uri @orchestra_acme_peers;');
    expect(nginx).toContain('if ($http_x_orchestra_acme_forwarded) { return 404; }');
    expect(nginx).toContain('proxy_next_upstream error timeout http_404;');
    const apache = renderApacheSite(site(['10.0.0.1', '10.0.0.2']));
    expect(apache).toContain('RewriteCond "%{HTTP:X-Orchestra-Acme-Forwarded}" "^$"\n    RewriteRule "^/\\.well-known/acme-challenge/[A-Za-z0-9_-]+$" "-" [E=orchestra_acme_hops:1]');
    expect(apache).not.toContain('orchestra_acme_hops:2');
    expect(apache).toContain('RewriteCond "%{SERVER_ADDR}" "=10.0.0.1"\n    RewriteRule "^/\\.well-known/acme-challenge/[A-Za-z0-9_-]+$" "http://10.0.0.2:80%{REQUEST_URI}" [P,L]');
    expect(apache).toContain('RewriteCond "%{SERVER_ADDR}" "=10.0.0.2"\n    RewriteRule "^/\\.well-known/acme-challenge/[A-Za-z0-9_-]+$" "http://10.0.0.1:80%{REQUEST_URI}" [P,L]');
    // The fallback is on port 80 only: the https virtual host has none.
    expect(apache.slice(apache.indexOf('<VirtualHost *:443>'))).not.toContain('X-Orchestra-Acme-Forwarded');
  });

  test('three servers: Apache passes a missing token along the ring (each to the next after itself, the last to the first), two hops at most', () => {
    const apache = renderApacheSite(site(['10.0.0.3', '10.0.0.1', '2001:db8::2']));
    const forwards = [...apache.matchAll(/"%\{SERVER_ADDR\}" "=([^"]+)"\n {4}RewriteRule \S+ "http:\/\/(\S+)%\{REQUEST_URI\}" \[P,L\]/g)].map((m) => `${m[1]} -> ${m[2]}`);
    expect(forwards).toEqual(['10.0.0.1 -> 10.0.0.3:80', '10.0.0.3 -> [2001:db8::2]:80', '2001:db8::2 -> 10.0.0.1:80']);
    const hops = [...apache.matchAll(/"%\{HTTP:X-Orchestra-Acme-Forwarded\}" "([^"]+)"\n {4}RewriteRule \S+ "-" \[E=orchestra_acme_hops:(\d)\]/g)].map((m) => `${m[1]} -> ${m[2]}`);
    expect(hops).toEqual(['^$ -> 1', '^1$ -> 2']);
  });

  test('a site without port 80 (HTTPS) has no fallback', () => {
    expect(renderNginxSite(site(['10.0.0.1', '10.0.0.2'], 'HTTPS'))).not.toContain('upstream');
    expect(renderApacheSite(site(['10.0.0.1', '10.0.0.2'], 'HTTPS'))).not.toContain('X-Orchestra-Acme-Forwarded');
  });
});
