/**
 * A website as its web server backends (nginx-websites, apache-websites) receive it: what to serve for which
 * names on which ports, every value checked by ./web-values.ts. The two backends render the same snapshot.
 */
import { IssueList, isPlainObject, own } from '../validation.js';
import { validateErrorStatus, validatePeerAddress, validateProxyUrl, validateRedirectUrl, validateSiteDomain, validateUrlPath, validateWebName } from './web-values.js';
import { validateHome } from '../system-users/system-users.backend.js';

export const WEBSITE_PROTOCOLS = ['HTTP', 'HTTPS', 'HTTP_AND_HTTPS', 'HTTPS_ONLY'] as const;
export type WebsiteProtocolName = (typeof WEBSITE_PROTOCOLS)[number];
export const DIRECTIVE_KINDS = ['REDIRECT', 'PROXY', 'ERROR_DOCUMENT'] as const;
export type DirectiveKindName = (typeof DIRECTIVE_KINDS)[number];

/** A web app mounted at a path, as the web server needs it. */
export interface SiteContent {
  path: string;
  appName: string;
  /** The directory served (the app's public root), an absolute path under /home. */
  documentRoot: string;
  /** PHP apps: their pool's FastCGI socket; else null. */
  phpSocket: string | null;
}

export interface SiteDirective {
  kind: DirectiveKindName;
  path: string;
  value: string;
}

export interface WebsiteSnapshot {
  id: string;
  name: string;
  accountUsername: string;
  accountType: string | null;
  /** Effective: the website's own flag AND its account's. */
  isActive: boolean;
  protocol: WebsiteProtocolName;
  domains: string[];
  /** Longest path first: the order a server must try them in. */
  contents: SiteContent[];
  directives: SiteDirective[];
  /**
   * The addresses of every server that serves the website (its nginx-websites and apache-websites routes), this one
   * included: port 80 answers an ACME challenge whose token it does not have by asking them (./acme-peers.ts).
   * Sorted; empty in snapshots stored before peers existed.
   */
  peers: string[];
  /**
   * Servers of the website stored by a host name that did not resolve when the plan was built: left out of `peers`
   * (a name there could make nginx refuse the site), named in the operation's output. Absent when there is none.
   */
  unresolvedPeers?: string[];
}

/** What the service module passes (`isActive` and the account's are combined here). */
export type WebsiteSource = Omit<WebsiteSnapshot, 'isActive' | 'accountType' | 'peers'> & {
  isActive: boolean;
  account: { isActive: boolean; type?: string | null };
  /** Absent: none (a source built only to place the website on its routes). */
  peers?: string[];
  unresolvedPeers?: string[];
};

/** A server's host name as the API accepts it (src/schema/orchestration/server-connection.ts): only ever printed. */
const HOST_NAME = /^[A-Za-z0-9.-]{1,253}$/;

/** Which ports a protocol listens on. */
export function portsOf(protocol: WebsiteProtocolName): number[] {
  return protocol === 'HTTP' ? [80] : protocol === 'HTTPS' ? [443] : [80, 443];
}

/** The configuration file of a website, the same name for every web server. */
export function siteFileName(id: string): string {
  return `site-${id}.conf`;
}

/** Where a website's TLS certificate and key are on its servers (self-signed until a certificate is issued). */
export function siteTlsDir(id: string): string {
  return `/etc/orchestra/tls/site-${id}`;
}

const SOCKET = /^\/run\/php\/orchestra-webapp-[0-9]+-php[5-9]\.[0-9]\.sock$/;

export function validateWebsite(raw: unknown, fromSource: boolean, backend: string): WebsiteSnapshot {
  const issues = new IssueList();
  const obj = issues.object(raw, backend);
  const id = issues.id(obj, 'id');
  if (id && !/^[0-9]+$/.test(id)) issues.add('id', 'must be a number');
  const name = issues.string(obj, 'name');
  if (name) issues.check('name', validateWebName(name));
  const accountUsername = issues.string(obj, 'accountUsername');
  let isActive = issues.boolean(obj, 'isActive');
  let accountType: unknown = own(obj, 'accountType');
  if (fromSource) {
    const account = own(obj, 'account');
    if (!isPlainObject(account)) issues.add('account', 'must be an object');
    else {
      isActive = isActive && issues.boolean(account, 'isActive', 'account.isActive');
      accountType = own(account, 'type');
    }
  }
  const protocol = own(obj, 'protocol') as WebsiteProtocolName;
  if (!WEBSITE_PROTOCOLS.includes(protocol)) issues.add('protocol', `must be one of ${WEBSITE_PROTOCOLS.join(', ')}`);
  const rawDomains = own(obj, 'domains');
  const domains: string[] = [];
  if (!Array.isArray(rawDomains) || rawDomains.length === 0) issues.add('domains', 'must be a list of at least one domain name');
  else {
    rawDomains.forEach((d, i) => {
      if (typeof d !== 'string' || !issues.check(`domains[${i}]`, validateSiteDomain(d))) {
        if (typeof d !== 'string') issues.add(`domains[${i}]`, 'must be a string');
        return;
      }
      if (!domains.includes(d)) domains.push(d);
    });
  }
  const rawContents = own(obj, 'contents');
  const contents: SiteContent[] = [];
  if (!Array.isArray(rawContents)) issues.add('contents', 'must be a list');
  else {
    rawContents.forEach((c, i) => {
      const at = `contents[${i}]`;
      if (!isPlainObject(c)) return issues.add(at, 'must be an object');
      const path = issues.string(c, 'path', `${at}.path`);
      issues.check(`${at}.path`, validateUrlPath(path));
      if (contents.some((other) => other.path === path)) issues.add(`${at}.path`, `${path} is mounted twice`);
      const appName = issues.string(c, 'appName', `${at}.appName`);
      issues.check(`${at}.appName`, validateWebName(appName));
      const documentRoot = issues.string(c, 'documentRoot', `${at}.documentRoot`);
      issues.check(`${at}.documentRoot`, validateHome(documentRoot));
      const phpSocket = own(c, 'phpSocket') ?? null;
      if (phpSocket !== null && (typeof phpSocket !== 'string' || !SOCKET.test(phpSocket))) issues.add(`${at}.phpSocket`, 'must be an Orchestra PHP-FPM socket or null');
      contents.push({ path, appName, documentRoot, phpSocket: phpSocket as string | null });
    });
  }
  contents.sort((a, b) => b.path.length - a.path.length || (a.path < b.path ? -1 : 1));
  const rawDirectives = own(obj, 'directives');
  const directives: SiteDirective[] = [];
  if (!Array.isArray(rawDirectives)) issues.add('directives', 'must be a list');
  else {
    rawDirectives.forEach((d, i) => {
      const at = `directives[${i}]`;
      if (!isPlainObject(d)) return issues.add(at, 'must be an object');
      const kind = own(d, 'kind') as DirectiveKindName;
      if (!DIRECTIVE_KINDS.includes(kind)) issues.add(`${at}.kind`, `must be one of ${DIRECTIVE_KINDS.join(', ')}`);
      const path = issues.string(d, 'path', `${at}.path`);
      const value = issues.string(d, 'value', `${at}.value`);
      const problem = directiveProblem(kind, path, value);
      if (problem) issues.add(`${at}.${problem.field}`, problem.message);
      directives.push({ kind, path, value });
    });
  }
  const rawPeers = own(obj, 'peers') ?? [];
  const peers: string[] = [];
  if (!Array.isArray(rawPeers)) issues.add('peers', 'must be a list');
  else {
    rawPeers.forEach((p, i) => {
      if (typeof p !== 'string') return issues.add(`peers[${i}]`, 'must be a string');
      if (issues.check(`peers[${i}]`, validatePeerAddress(p)) && !peers.includes(p)) peers.push(p);
    });
  }
  peers.sort();
  const rawUnresolved = own(obj, 'unresolvedPeers') ?? [];
  const unresolvedPeers: string[] = [];
  if (!Array.isArray(rawUnresolved)) issues.add('unresolvedPeers', 'must be a list');
  else {
    rawUnresolved.forEach((n, i) => {
      if (typeof n !== 'string' || !HOST_NAME.test(n)) return issues.add(`unresolvedPeers[${i}]`, 'must be a host name');
      if (!unresolvedPeers.includes(n)) unresolvedPeers.push(n);
    });
  }
  issues.throwIfAny(backend);
  const snapshot: WebsiteSnapshot = { id, name, accountUsername, accountType: typeof accountType === 'string' ? accountType : null, isActive, protocol, domains, contents, directives, peers };
  if (unresolvedPeers.length) snapshot.unresolvedPeers = unresolvedPeers.sort();
  return snapshot;
}

/** What is wrong with a directive, on which of its fields; null when it renders. */
export function directiveProblem(kind: DirectiveKindName, path: string, value: string): { field: 'path' | 'value'; message: string } | null {
  if (kind === 'ERROR_DOCUMENT') {
    const status = validateErrorStatus(path);
    if (status) return { field: 'path', message: status };
    const page = validateUrlPath(value);
    return page ? { field: 'value', message: page } : null;
  }
  const where = validateUrlPath(path);
  if (where) return { field: 'path', message: where };
  const to = kind === 'REDIRECT' ? validateRedirectUrl(value) : kind === 'PROXY' ? validateProxyUrl(value) : null;
  return to ? { field: 'value', message: to } : null;
}
