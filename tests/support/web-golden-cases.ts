import type { Backend } from '../../src/orchestration/backends/backend.js';
import { webappsBackend, type WebAppSource } from '../../src/orchestration/backends/webapps/webapps.backend.js';
import { apacheWebsitesBackend } from '../../src/orchestration/backends/apache-websites/apache-websites.backend.js';
import { nginxWebsitesBackend } from '../../src/orchestration/backends/nginx-websites/nginx-websites.backend.js';
import { acmeCertificatesBackend } from '../../src/orchestration/backends/acme-certificates/acme-certificates.backend.js';
import type { WebsiteSource } from '../../src/orchestration/backends/web/website-snapshot.js';
import type { OperationInput } from '../../src/orchestration/types.js';

function op(backend: Backend, operationId: string, action: string, objectId: string, source: unknown): OperationInput {
  return { operationId, action, model: backend.model, objectId, snapshot: backend.snapshot(source) as Record<string, unknown> };
}

const HOSTILE_ID = "op-'1'\n$(touch /tmp/canary) `id`";

/** A PHP app `blog` of alice, with options. */
export function webAppSource(overrides: Partial<WebAppSource> = {}): WebAppSource {
  return {
    id: '7', name: 'blog', type: 'PHP', username: 'alice', home: '/home/alice', phpVersion: '8.2', publicRoot: 'public', timeout: 20, processes: 3,
    phpIni: { memory_limit: '128M', disable_functions: 'mail' }, target: null, command: null, port: null, accountUsername: 'alice', accountType: 'COMPANY',
    accountIsActive: true, ...overrides,
  };
}

/** alice's website for example.com: a static app at /, a PHP app at /blog, every kind of directive. */
export function websiteSource(overrides: Partial<WebsiteSource> = {}): WebsiteSource {
  return {
    id: '3', name: 'main', accountUsername: 'alice', isActive: true, account: { isActive: true, type: 'COMPANY' }, protocol: 'HTTP',
    domains: ['example.com', 'www.example.com'],
    contents: [
      { path: '/', appName: 'home', documentRoot: '/home/alice/webapps/home', phpSocket: null },
      { path: '/blog', appName: 'blog', documentRoot: '/home/alice/webapps/blog/public', phpSocket: '/run/php/orchestra-webapp-7-php8.2.sock' },
    ],
    directives: [
      { kind: 'REDIRECT', path: '/old', value: 'https://example.org/new?a=1&b=2' },
      { kind: 'PROXY', path: '/api', value: 'http://127.0.0.1:3000' },
      { kind: 'ERROR_DOCUMENT', path: '404', value: '/missing.html' },
    ],
    ...overrides,
  };
}

export const WEB_GOLDEN: Record<string, Record<string, () => OperationInput[]>> = {
  webapps: {
    save: () => [op(webappsBackend, 'op-1101', 'save', '7', webAppSource())],
    delete: () => [op(webappsBackend, 'op-1102', 'delete', '7', webAppSource())],
    // A static app, a symbolic link, a PHP app switched to another version (the old pool goes).
    multi: () => [
      op(webappsBackend, 'op-1103', 'save', '8', webAppSource({ id: '8', name: 'home', type: 'STATIC', phpVersion: null, publicRoot: null, phpIni: {} })),
      op(webappsBackend, 'op-1104', 'save', '9', webAppSource({ id: '9', name: 'docs', type: 'SYMBOLIC_LINK', phpVersion: null, publicRoot: null, phpIni: {}, target: 'shared/docs' })),
      op(webappsBackend, 'op-1105', 'save', '7', webAppSource({ phpVersion: '8.3' })),
    ],
    hostile: () => [op(webappsBackend, HOSTILE_ID, 'save', '7\n$(id)', webAppSource())],
    // Process apps: one saved with a command full of shell syntax (quoted once, run by bash as the user), one of a
    // disabled account (not started), one deleted (its program goes).
    process: () => {
      const process = { type: 'PROCESS' as const, phpVersion: null, publicRoot: null, phpIni: {}, port: 3000 };
      return [
        op(webappsBackend, 'op-1106', 'save', '10', webAppSource({ ...process, id: '10', name: 'api', command: "exec node server.js --name \"it's $(id)\" `id` > /dev/null; echo ü" })),
        op(webappsBackend, 'op-1107', 'save', '11', webAppSource({ ...process, id: '11', name: 'worker', command: 'python3 -m http.server "$PORT"', port: 3001, accountIsActive: false })),
        op(webappsBackend, 'op-1108', 'delete', '12', webAppSource({ ...process, id: '12', name: 'old', command: 'exec ./run', port: 3002 })),
      ];
    },
  },
  'nginx-websites': {
    save: () => [op(nginxWebsitesBackend, 'op-1201', 'save', '3', websiteSource())],
    delete: () => [op(nginxWebsitesBackend, 'op-1202', 'delete', '3', websiteSource())],
    // https-only with its certificate on three servers (ACME challenges asked of the others), a disabled website, a
    // removed one.
    multi: () => [
      op(nginxWebsitesBackend, 'op-1203', 'save', '3', websiteSource({ protocol: 'HTTPS_ONLY', peers: ['192.0.2.10', '192.0.2.11', '2001:db8::3'] })),
      op(nginxWebsitesBackend, 'op-1204', 'save', '4', websiteSource({ id: '4', name: 'shop', domains: ['shop.example.com'], protocol: 'HTTP_AND_HTTPS', account: { isActive: false, type: 'COMPANY' } })),
      op(nginxWebsitesBackend, 'op-1205', 'delete', '5', websiteSource({ id: '5', name: 'gone', domains: ['gone.example.com'] })),
    ],
    hostile: () => [op(nginxWebsitesBackend, HOSTILE_ID, 'save', '3`id`', websiteSource())],
  },
  'apache-websites': {
    save: () => [op(apacheWebsitesBackend, 'op-1301', 'save', '3', websiteSource())],
    delete: () => [op(apacheWebsitesBackend, 'op-1302', 'delete', '3', websiteSource())],
    // https-only with its certificate on three servers (ACME challenges asked of the others), a disabled website, a
    // removed one.
    multi: () => [
      op(apacheWebsitesBackend, 'op-1303', 'save', '3', websiteSource({ protocol: 'HTTPS_ONLY', peers: ['192.0.2.10', '192.0.2.11', '2001:db8::3'] })),
      op(apacheWebsitesBackend, 'op-1304', 'save', '4', websiteSource({ id: '4', name: 'shop', domains: ['shop.example.com'], protocol: 'HTTP_AND_HTTPS', account: { isActive: false, type: 'COMPANY' } })),
      op(apacheWebsitesBackend, 'op-1305', 'delete', '5', websiteSource({ id: '5', name: 'gone', domains: ['gone.example.com'] })),
    ],
    hostile: () => [op(apacheWebsitesBackend, HOSTILE_ID, 'save', '3`id`', websiteSource())],
  },
  'acme-certificates': {
    save: () => [op(acmeCertificatesBackend, 'op-1401', 'save', '3', websiteSource({ protocol: 'HTTPS' }))],
    delete: () => [op(acmeCertificatesBackend, 'op-1402', 'delete', '3', websiteSource({ protocol: 'HTTPS' }))],
    // Two sites' certificates (one reload at most) and a removed one.
    multi: () => [
      op(acmeCertificatesBackend, 'op-1403', 'save', '3', websiteSource({ protocol: 'HTTPS_ONLY' })),
      op(acmeCertificatesBackend, 'op-1404', 'save', '4', websiteSource({ id: '4', name: 'shop', domains: ['shop.example.com'], protocol: 'HTTP_AND_HTTPS' })),
      op(acmeCertificatesBackend, 'op-1405', 'delete', '5', websiteSource({ id: '5', name: 'gone', domains: ['gone.example.com'], protocol: 'HTTPS' })),
    ],
    hostile: () => [op(acmeCertificatesBackend, HOSTILE_ID, 'save', '3`id`', websiteSource({ protocol: 'HTTPS' }))],
  },
};
