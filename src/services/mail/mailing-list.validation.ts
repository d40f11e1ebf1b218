/**
 * The rules of a mailing list (django-orchestra inventory §2.9), on top of the backend's validators
 * (src/orchestration/backends/mail/mail-names.ts).
 *
 * - `name` is unique among all lists; the address name (default: the name) is a Mailman list name.
 * - The domain is one of the account's (another account's is NOT_FOUND). A list takes its posting address and
 *   Mailman's own (`-bounces`, `-request`, …) on that domain: none of them may be an address or another list's.
 * - The admin e-mail is an ordinary address (not the internal delivery domain).
 * - Passwords: passwordProblem(), stored only as a SHA-512-crypt hash (the owner's Mailman password).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Domain } from '../../entities/dns/domain.js';
import { Address } from '../../entities/mail/address.js';
import { MailingList } from '../../entities/mail/mailing-list.js';
import { passwordProblem } from '../../auth/password.js';
import { hashSystemPassword } from '../../crypto/sha512-crypt.js';
import { LIST_NAME_MAX, listLocalParts, validateForward, validateListName } from '../../orchestration/backends/mail/mail-names.js';
import { UserErrorCode } from '../../errors/user-input-error.js';
import type { Validator } from '../../validation/validator.js';

export function checkListName(v: Validator, field: string, name: string): string {
  const normal = name.trim().toLowerCase();
  if (normal === '') v.add(field, 'is required', UserErrorCode.REQUIRED);
  else {
    const problem = validateListName(normal);
    if (problem) v.add(field, problem, normal.length > LIST_NAME_MAX ? UserErrorCode.TOO_LONG : UserErrorCode.INVALID);
  }
  return normal;
}

export function checkAdminEmail(v: Validator, email: string): string {
  const normal = email.trim().toLowerCase();
  const problem = validateForward(normal);
  if (problem) v.add('adminEmail', normal === '' ? 'is required' : problem, normal === '' ? UserErrorCode.REQUIRED : UserErrorCode.INVALID);
  return normal;
}

/** The hash the list's servers get, or undefined (and a userError) for a bad password. */
export function checkListPassword(v: Validator, password: string): string | undefined {
  const problem = passwordProblem(password);
  if (problem) {
    v.add('password', problem, password === '' ? UserErrorCode.REQUIRED : UserErrorCode.INVALID);
    return undefined;
  }
  return hashSystemPassword(password);
}

/** The list's addresses on the domain must be nobody else's: no address, no other list's (seen by nobody's scope). */
export async function checkListAddressFree(v: Validator, em: EntityManager, domain: Domain, addressName: string): Promise<void> {
  const parts = listLocalParts(addressName);
  const address = await em.findOne(Address, { domain: domain.id, name: { $in: parts } }, { filters: false });
  if (address) {
    v.add('addressName', `${address.name}@${domain.name} is already an address`, UserErrorCode.TAKEN);
    return;
  }
  const lists = await em.find(MailingList, { domain: domain.id }, { filters: false });
  const taken = new Set(parts);
  const other = lists.find((list) => listLocalParts(list.addressName).some((part) => taken.has(part)));
  if (other) v.add('addressName', `its addresses meet those of the list ${other.addressName}@${domain.name}`, UserErrorCode.TAKEN);
}

/** An address name a list of the domain already takes (its own or one of Mailman's), or null. */
export async function listTakingAddress(em: EntityManager, domain: Domain, name: string): Promise<MailingList | null> {
  const lists = await em.find(MailingList, { domain: domain.id }, { filters: false });
  return lists.find((list) => listLocalParts(list.addressName).includes(name)) ?? null;
}
