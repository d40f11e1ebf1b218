import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Website, type WebsiteDirective } from '../../entities/web/website.js';
import { WebsiteProtocol } from '../../entities/web/website-protocol.js';
import { findAccount } from '../../accounts/find-account.js';
import { noteTouched } from '../../audit/audit-note.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { idOf, toGlobalId } from '../../schema/relay/global-id.js';
import type { UseCase } from '../../use-cases/use-case.js';
import { Validator } from '../../validation/validator.js';
import { checkWebAppName } from './web-app.validation.js';
import { checkDomainsFree, checkWebsiteContents, checkWebsiteDirectives, checkWebsiteDomains } from './website.validation.js';

/** Loads a website the EntityManager may see, with its account, or fails with NOT_FOUND on `field`. */
export async function findWebsite(em: EntityManager, globalId: string, field = 'id'): Promise<Website> {
  const website = await em.findOne(Website, { id: idOf('Website', globalId, field) }, { populate: ['account'] });
  if (!website) throw new NotFoundError('Website', field);
  return website;
}

export interface WebsiteFields {
  protocol?: WebsiteProtocol | null;
  domainIds?: string[] | null;
  contents?: { path: string; webAppId: string }[] | null;
  directives?: WebsiteDirective[] | null;
  isActive?: boolean | null;
}

export type NewWebsite = { accountId: string; name: string } & WebsiteFields;

/** Creates a website of an account on the servers its routes select. */
export async function createWebsite({ em, audit }: UseCase, input: NewWebsite): Promise<Website> {
  const account = await findAccount(em, input.accountId, 'input.accountId');
  noteTouched(audit, account);
  const v = new Validator();
  checkWebAppName(v, input.name);
  if (v.ok && (await em.count(Website, { account: account.id, name: input.name }, { filters: false }))) v.add('name', 'is already taken', UserErrorCode.TAKEN);
  const protocol = input.protocol ?? WebsiteProtocol.HTTP;
  const domains = await checkWebsiteDomains(v, em, account, input.domainIds ?? []);
  await checkDomainsFree(v, em, domains, protocol, null);
  const contents = await checkWebsiteContents(v, em, account, input.contents ?? []);
  const directives = checkWebsiteDirectives(v, input.directives ?? []);
  v.check();
  const website = em.create(Website, { account, name: input.name, protocol, domains, contents, directives, isActive: input.isActive ?? true });
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw new UserInputError('input.name', 'is already taken', UserErrorCode.TAKEN);
    throw err;
  }
  audit.objectIds.push(toGlobalId('Website', website.id));
  audit.changedFields = ['name', 'protocol', 'domains', 'contents', 'directives', 'isActive'];
  return website;
}

/** Changes what was sent (lists are replaced whole); the name cannot change. */
export async function updateWebsite({ em, audit }: UseCase, input: { id: string } & WebsiteFields): Promise<Website> {
  const website = await findWebsite(em, input.id, 'input.id');
  const account = website.account.getEntity();
  noteTouched(audit, account, input.id);
  const v = new Validator();
  const protocol = input.protocol ?? website.protocol;
  const domains = input.domainIds ? await checkWebsiteDomains(v, em, account, input.domainIds) : website.domains;
  if (input.domainIds || protocol !== website.protocol) await checkDomainsFree(v, em, domains, protocol, website.id);
  const contents = input.contents ? await checkWebsiteContents(v, em, account, input.contents) : website.contents;
  const directives = input.directives ? checkWebsiteDirectives(v, input.directives) : website.directives;
  v.check();
  const next = { protocol, domains, contents, directives, isActive: input.isActive ?? website.isActive };
  const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(website[k]));
  for (const k of changed) em.assign(website, { [k]: next[k] });
  audit.changedFields = changed;
  return website;
}

/** Removes the website from its servers (its web apps stay). */
export async function deleteWebsite({ em, audit }: UseCase, id: string): Promise<void> {
  const website = await findWebsite(em, id);
  noteTouched(audit, website.account.getEntity(), id);
  em.remove(website);
}
