/**
 * The rules of a website (inventory §2.8), with the web server backends' own validators (reused):
 *
 * - Names: unique per account, like web apps'.
 * - Domains: the account's own domains, no wildcard; a domain serves ONE website per port across all accounts
 *   (HTTP 80, HTTPS 443, both and HTTPS_ONLY 80 and 443), checked without the tenant scope (the caller learns only
 *   "taken").
 * - Contents: web apps of the same account at distinct normalised paths (`/`, `/blog`).
 * - Directives: REDIRECT path → http(s) URL, PROXY path → http://127.0.0.1:<port>, ERROR_DOCUMENT status → path;
 *   one location per path. Values are restricted to plain characters (../../orchestration/backends/web/web-values.ts):
 *   no line break, quote, `$`, `;`, `{` can reach a configuration file.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account } from '../../entities/accounts/account.js';
import { Domain } from '../../entities/dns/domain.js';
import { WebApp } from '../../entities/web/web-app.js';
import { Website, WebsiteDirectiveKind, type WebsiteContent, type WebsiteDirective } from '../../entities/web/website.js';
import type { WebsiteProtocol } from '../../entities/web/website-protocol.js';
import { directiveProblem, portsOf } from '../../orchestration/backends/web/website-snapshot.js';
import { validateSiteDomain, validateUrlPath } from '../../orchestration/backends/web/web-values.js';
import { UserErrorCode } from '../../errors/user-input-error.js';
import { idOf } from '../../schema/relay/global-id.js';
import type { Validator } from '../../validation/validator.js';

export const WEBSITE_MAX_DOMAINS = 100;
export const WEBSITE_MAX_CONTENTS = 50;
export const WEBSITE_MAX_DIRECTIVES = 100;

/** The names of the account's domains `ids` name (userErrors for the others). */
export async function checkWebsiteDomains(v: Validator, em: EntityManager, account: Account, ids: string[]): Promise<string[]> {
  if (ids.length === 0) v.add('domainIds', 'a website needs at least one domain', UserErrorCode.REQUIRED);
  if (ids.length > WEBSITE_MAX_DOMAINS) v.add('domainIds', `at most ${WEBSITE_MAX_DOMAINS} domains`, UserErrorCode.TOO_LONG);
  const names: string[] = [];
  for (const [i, globalId] of ids.entries()) {
    let id: string;
    try {
      id = idOf('Domain', globalId, `input.domainIds[${i}]`);
    } catch {
      v.add(`domainIds[${i}]`, 'is not a domain id');
      continue;
    }
    const domain = await em.findOne(Domain, { id, account: account.id });
    if (!domain) v.add(`domainIds[${i}]`, 'is not a domain of the account', UserErrorCode.NOT_FOUND);
    else if (validateSiteDomain(domain.name)) v.add(`domainIds[${i}]`, `${domain.name}: a wildcard or service name cannot be a website's domain`);
    else if (!names.includes(domain.name)) names.push(domain.name);
  }
  return names;
}

/** Another website (of any account) that already serves one of the domains on one of the ports. */
export async function checkDomainsFree(v: Validator, em: EntityManager, names: string[], protocol: WebsiteProtocol, exceptId: string | null): Promise<void> {
  if (names.length === 0) return;
  const ports = portsOf(protocol);
  const others = await em.find(Website, { domains: { $overlap: names }, ...(exceptId ? { id: { $ne: exceptId } } : {}) }, { filters: false });
  const clash = others.find((o) => portsOf(o.protocol).some((p) => ports.includes(p)));
  if (clash) {
    const name = names.find((n) => clash.domains.includes(n));
    v.add('domainIds', `${name} is already served by another website on port ${portsOf(clash.protocol).find((p) => ports.includes(p))}`, UserErrorCode.TAKEN);
  }
}

export async function checkWebsiteContents(v: Validator, em: EntityManager, account: Account, input: { path: string; webAppId: string }[]): Promise<WebsiteContent[]> {
  if (input.length > WEBSITE_MAX_CONTENTS) v.add('contents', `at most ${WEBSITE_MAX_CONTENTS} contents`, UserErrorCode.TOO_LONG);
  const out: WebsiteContent[] = [];
  for (const [i, c] of input.entries()) {
    const problem = validateUrlPath(c.path);
    if (problem) v.add(`contents[${i}].path`, problem);
    else if (out.some((o) => o.path === c.path)) v.add(`contents[${i}].path`, `${c.path} is mounted twice`);
    let id: string | null = null;
    try {
      id = idOf('WebApp', c.webAppId, `input.contents[${i}].webAppId`);
    } catch {
      v.add(`contents[${i}].webAppId`, 'is not a web app id');
    }
    const app = id ? await em.findOne(WebApp, { id, account: account.id }) : null;
    if (id && !app) v.add(`contents[${i}].webAppId`, 'is not a web app of the account', UserErrorCode.NOT_FOUND);
    out.push({ path: c.path, webAppId: app?.id ?? '' });
  }
  return out;
}

export function checkWebsiteDirectives(v: Validator, input: WebsiteDirective[]): WebsiteDirective[] {
  if (input.length > WEBSITE_MAX_DIRECTIVES) v.add('directives', `at most ${WEBSITE_MAX_DIRECTIVES} directives`, UserErrorCode.TOO_LONG);
  const seen = new Set<string>();
  input.forEach((d, i) => {
    const problem = directiveProblem(d.kind, d.path, d.value);
    if (problem) v.add(`directives[${i}].${problem.field}`, problem.message);
    const key = d.kind === WebsiteDirectiveKind.ERROR_DOCUMENT ? `status ${d.path}` : `path ${d.path}`;
    if (seen.has(key)) v.add(`directives[${i}].path`, `${d.path} has another directive already`);
    seen.add(key);
  });
  return input.map((d) => ({ kind: d.kind, path: d.path, value: d.value }));
}
