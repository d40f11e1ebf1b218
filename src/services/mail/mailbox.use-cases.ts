import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Address } from '../../entities/mail/address.js';
import { Mailbox } from '../../entities/mail/mailbox.js';
import { SpamFilter } from '../../entities/mail/spam-filter.js';
import { findAccount } from '../../accounts/find-account.js';
import { noteTouched } from '../../audit/audit-note.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { idOf, toGlobalId } from '../../schema/relay/global-id.js';
import type { UseCase } from '../../use-cases/use-case.js';
import { Validator } from '../../validation/validator.js';
import { checkCustomSieve, checkMailboxName, checkMailboxNameFree, checkMailboxPassword } from './mailbox.validation.js';

/** Loads a mailbox the EntityManager may see, with its account, or fails with NOT_FOUND on `field`. */
export async function findMailbox(em: EntityManager, globalId: string, field = 'id'): Promise<Mailbox> {
  const mailbox = await em.findOne(Mailbox, { id: idOf('Mailbox', globalId, field) }, { populate: ['account'] });
  if (!mailbox) throw new NotFoundError('Mailbox', field);
  return mailbox;
}

export interface NewMailbox {
  accountId: string;
  name: string;
  password: string;
  isActive?: boolean | null;
  spamFilter?: SpamFilter | null;
  customSieve?: string | null;
}

/** Creates a mailbox of an account; the password is kept only as the hash Dovecot reads. */
export async function createMailbox({ em, audit }: UseCase, input: NewMailbox): Promise<Mailbox> {
  const account = await findAccount(em, input.accountId, 'input.accountId');
  noteTouched(audit, account);
  const v = new Validator();
  checkMailboxName(v, input.name);
  if (v.ok) await checkMailboxNameFree(v, em, input.name);
  const passwordHash = checkMailboxPassword(v, input.password);
  const customSieve = await checkCustomSieve(v, input.customSieve);
  v.check();
  const mailbox = em.create(Mailbox, {
    account,
    name: input.name,
    passwordHash: passwordHash!,
    isActive: input.isActive ?? true,
    spamFilter: input.spamFilter ?? SpamFilter.MOVE_TO_SPAM,
    customSieve,
  });
  try {
    await em.flush();
  } catch (err) {
    // Lost a race with another request creating the same name.
    if (err instanceof UniqueConstraintViolationException) throw new UserInputError('input.name', 'is already taken', UserErrorCode.TAKEN);
    throw err;
  }
  audit.objectIds.push(toGlobalId('Mailbox', mailbox.id));
  // Field names only: the audit log never holds a password or its hash.
  audit.changedFields = ['name', 'password', 'isActive', 'spamFilter', 'customSieve'];
  return mailbox;
}

export interface MailboxChanges {
  id: string;
  password?: string | null;
  isActive?: boolean | null;
  spamFilter?: SpamFilter | null;
  /** '' removes the custom script. */
  customSieve?: string | null;
}

/** Changes what was sent; the name cannot change. */
export async function updateMailbox({ em, audit }: UseCase, input: MailboxChanges): Promise<Mailbox> {
  const mailbox = await findMailbox(em, input.id, 'input.id');
  noteTouched(audit, mailbox.account.getEntity(), input.id);
  const v = new Validator();
  const passwordHash = input.password === undefined || input.password === null ? undefined : checkMailboxPassword(v, input.password);
  const customSieve = input.customSieve === undefined || input.customSieve === null ? undefined : await checkCustomSieve(v, input.customSieve);
  v.check();
  const changed: string[] = [];
  if (passwordHash) {
    mailbox.passwordHash = passwordHash;
    changed.push('password');
  }
  if (typeof input.isActive === 'boolean' && input.isActive !== mailbox.isActive) {
    mailbox.isActive = input.isActive;
    changed.push('isActive');
  }
  if (input.spamFilter && input.spamFilter !== mailbox.spamFilter) {
    mailbox.spamFilter = input.spamFilter;
    changed.push('spamFilter');
  }
  if (customSieve !== undefined && customSieve !== mailbox.customSieve) {
    mailbox.customSieve = customSieve;
    changed.push('customSieve');
  }
  audit.changedFields = changed;
  return mailbox;
}

/**
 * Deletes the mailbox on its servers (its mail goes to the configured trash, or is removed). Addresses lose it;
 * an address left with no destination is deleted too (as django-orchestra did).
 */
export async function deleteMailbox({ em, audit }: UseCase, id: string): Promise<void> {
  const mailbox = await findMailbox(em, id);
  noteTouched(audit, mailbox.account.getEntity(), id);
  const addresses = await em.find(Address, { mailboxes: { $contains: [mailbox.name] } }, { filters: false });
  for (const address of addresses) {
    const left = address.mailboxes.filter((m) => m !== mailbox.name);
    // Removed as it is: its delete's snapshot names what it had.
    if (left.length === 0 && address.forwards.length === 0) em.remove(address);
    else address.mailboxes = left;
  }
  em.remove(mailbox);
}
