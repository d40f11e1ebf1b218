import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Address } from '../../entities/mail/address.js';
import { noteTouched } from '../../audit/audit-note.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { idOf, toGlobalId } from '../../schema/relay/global-id.js';
import type { UseCase } from '../../use-cases/use-case.js';
import { Validator } from '../../validation/validator.js';
import { validateMailDomain } from '../../orchestration/backends/mail/mail-names.js';
import { findDomain } from '../domains/domain.use-cases.js';
import { checkAutoresponse, type AutoresponseFields } from './autoresponse.validation.js';
import { checkForwards, checkHasDestination, checkLocalPart, checkMailboxes } from './address.validation.js';
import { listTakingAddress } from './mailing-list.validation.js';

/** Loads an address the EntityManager may see, with its account and domain, or fails with NOT_FOUND on `field`. */
export async function findAddress(em: EntityManager, globalId: string, field = 'id'): Promise<Address> {
  const address = await em.findOne(Address, { id: idOf('Address', globalId, field) }, { populate: ['account', 'domain'] });
  if (!address) throw new NotFoundError('Address', field);
  return address;
}

export interface NewAddress {
  domainId: string;
  /** '' or omitted: the domain's catch-all. */
  name?: string | null;
  mailboxIds?: readonly string[] | null;
  forwards?: readonly string[] | null;
  autoresponse?: AutoresponseFields | null;
}

/** Creates an address on a domain of the account that owns the domain. */
export async function createAddress({ em, audit }: UseCase, input: NewAddress): Promise<Address> {
  const domain = await findDomain(em, input.domainId, 'input.domainId');
  const account = domain.account.getEntity();
  noteTouched(audit, account);
  const v = new Validator();
  if (validateMailDomain(domain.name)) v.add('domainId', 'cannot receive mail (a wildcard or "_" name)');
  const name = checkLocalPart(v, input.name ?? '');
  const mailboxes = await checkMailboxes(v, em, account, input.mailboxIds ?? []);
  const forwards = checkForwards(v, input.forwards ?? [], `${name}@${domain.name}`);
  checkHasDestination(v, mailboxes, forwards);
  const autoresponse = input.autoresponse ? checkAutoresponse(v, input.autoresponse, name) : null;
  if (v.ok && (await em.count(Address, { name, domain }, { filters: false }))) v.add('name', 'is already taken', UserErrorCode.TAKEN);
  const list = v.ok ? await listTakingAddress(em, domain, name) : null;
  if (list) v.add('name', `is an address of the mailing list ${list.addressName}@${domain.name}`, UserErrorCode.TAKEN);
  v.check();
  const address = em.create(Address, { account, domain, name, mailboxes, forwards, autoresponse });
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw new UserInputError('input.name', 'is already taken', UserErrorCode.TAKEN);
    throw err;
  }
  audit.objectIds.push(toGlobalId('Address', address.id));
  audit.changedFields = ['name', 'domain', 'mailboxes', 'forwards', ...(autoresponse ? ['autoresponse'] : [])];
  return address;
}

export interface AddressChanges {
  id: string;
  mailboxIds?: readonly string[] | null;
  forwards?: readonly string[] | null;
  autoresponse?: AutoresponseFields | null;
  /** True: no autoresponse any more. */
  removeAutoresponse?: boolean | null;
}

/** Replaces its mailboxes and/or forwards; the name and domain cannot change. */
export async function updateAddress({ em, audit }: UseCase, input: AddressChanges): Promise<Address> {
  const address = await findAddress(em, input.id, 'input.id');
  const account = address.account.getEntity();
  noteTouched(audit, account, input.id);
  const v = new Validator();
  const mailboxes = input.mailboxIds ? await checkMailboxes(v, em, account, input.mailboxIds) : address.mailboxes;
  const forwards = input.forwards ? checkForwards(v, input.forwards, `${address.name}@${address.domain.getEntity().name}`) : address.forwards;
  checkHasDestination(v, mailboxes, forwards);
  if (input.autoresponse && input.removeAutoresponse) v.add('removeAutoresponse', 'cannot be true with an autoresponse');
  const autoresponse = input.autoresponse ? checkAutoresponse(v, input.autoresponse, address.name) : input.removeAutoresponse ? null : address.autoresponse;
  v.check();
  const changed: string[] = [];
  if (JSON.stringify(autoresponse) !== JSON.stringify(address.autoresponse)) {
    address.autoresponse = autoresponse;
    changed.push('autoresponse');
  }
  if (mailboxes.join() !== address.mailboxes.join()) {
    address.mailboxes = mailboxes;
    changed.push('mailboxes');
  }
  if (forwards.join() !== address.forwards.join()) {
    address.forwards = forwards;
    changed.push('forwards');
  }
  audit.changedFields = changed;
  return address;
}

export async function deleteAddress({ em, audit }: UseCase, id: string): Promise<void> {
  const address = await findAddress(em, id);
  noteTouched(audit, address.account.getEntity(), id);
  em.remove(address);
}
