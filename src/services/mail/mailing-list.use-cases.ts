import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { MailingList } from '../../entities/mail/mailing-list.js';
import { noteTouched } from '../../audit/audit-note.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { idOf, toGlobalId } from '../../schema/relay/global-id.js';
import type { UseCase } from '../../use-cases/use-case.js';
import { Validator } from '../../validation/validator.js';
import { validateMailDomain } from '../../orchestration/backends/mail/mail-names.js';
import { findDomain } from '../domains/domain.use-cases.js';
import { checkAdminEmail, checkListAddressFree, checkListName, checkListPassword } from './mailing-list.validation.js';

/** Loads a list the EntityManager may see, with its account and domain, or fails with NOT_FOUND on `field`. */
export async function findMailingList(em: EntityManager, globalId: string, field = 'id'): Promise<MailingList> {
  const list = await em.findOne(MailingList, { id: idOf('MailingList', globalId, field) }, { populate: ['account', 'domain'] });
  if (!list) throw new NotFoundError('MailingList', field);
  return list;
}

export interface NewMailingList {
  domainId: string;
  name: string;
  /** The local part of its address; default: the name. */
  addressName?: string | null;
  adminEmail: string;
  password: string;
  isActive?: boolean | null;
}

/** Creates a list on a domain of the account that owns the domain; the password is kept only as a hash. */
export async function createMailingList({ em, audit }: UseCase, input: NewMailingList): Promise<MailingList> {
  const domain = await findDomain(em, input.domainId, 'input.domainId');
  const account = domain.account.getEntity();
  noteTouched(audit, account);
  const v = new Validator();
  if (validateMailDomain(domain.name)) v.add('domainId', 'cannot receive mail (a wildcard or "_" name)');
  const name = checkListName(v, 'name', input.name);
  const addressName = input.addressName ? checkListName(v, 'addressName', input.addressName) : name;
  const adminEmail = checkAdminEmail(v, input.adminEmail);
  const passwordHash = checkListPassword(v, input.password);
  if (v.ok && (await em.count(MailingList, { name }, { filters: false }))) v.add('name', 'is already taken', UserErrorCode.TAKEN);
  if (v.ok) await checkListAddressFree(v, em, domain, addressName);
  v.check();
  const list = em.create(MailingList, { account, domain, name, addressName, adminEmail, passwordHash: passwordHash!, isActive: input.isActive ?? true });
  try {
    await em.flush();
  } catch (err) {
    // Lost a race with another request creating the same name or address.
    if (err instanceof UniqueConstraintViolationException) throw new UserInputError('input.name', 'is already taken', UserErrorCode.TAKEN);
    throw err;
  }
  audit.objectIds.push(toGlobalId('MailingList', list.id));
  // Field names only: the audit log never holds a password or its hash.
  audit.changedFields = ['name', 'addressName', 'domain', 'adminEmail', 'password', 'isActive'];
  return list;
}

export interface MailingListChanges {
  id: string;
  adminEmail?: string | null;
  password?: string | null;
  isActive?: boolean | null;
}

/** Changes what was sent; the name and address cannot change (the address is the list's name on Mailman). */
export async function updateMailingList({ em, audit }: UseCase, input: MailingListChanges): Promise<MailingList> {
  const list = await findMailingList(em, input.id, 'input.id');
  noteTouched(audit, list.account.getEntity(), input.id);
  const v = new Validator();
  const adminEmail = input.adminEmail === undefined || input.adminEmail === null ? undefined : checkAdminEmail(v, input.adminEmail);
  const passwordHash = input.password === undefined || input.password === null ? undefined : checkListPassword(v, input.password);
  v.check();
  const changed: string[] = [];
  if (adminEmail !== undefined && adminEmail !== list.adminEmail) {
    list.adminEmail = adminEmail;
    changed.push('adminEmail');
  }
  if (passwordHash) {
    list.passwordHash = passwordHash;
    changed.push('password');
  }
  if (typeof input.isActive === 'boolean' && input.isActive !== list.isActive) {
    list.isActive = input.isActive;
    changed.push('isActive');
  }
  audit.changedFields = changed;
  return list;
}

/** Deletes the list on its servers (its members and archives on Mailman with it). */
export async function deleteMailingList({ em, audit }: UseCase, id: string): Promise<void> {
  const list = await findMailingList(em, id);
  noteTouched(audit, list.account.getEntity(), id);
  em.remove(list);
}
