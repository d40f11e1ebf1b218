/**
 * Names of the mail model, checked alike by the API and by the backends' snapshots.
 *
 * - Mailbox names are Dovecot usernames and passwd-file names (`/etc/dovecot/orchestra/mailboxes/<name>`): lowercase
 *   letters, digits, ".", "_", "-", starting with a letter or digit, at most 32 (django-orchestra: `[\w.-]+`, ≤ 32,
 *   lowercase here because Dovecot looks users up lowercased).
 * - Local parts: lowercase dot-atoms of letters, digits and `_ + -` (no quoted forms, nothing a map or a shell
 *   would read differently), at most 64; '' is the catch-all.
 * - Mailboxes receive mail at `<name>@orchestra-mailboxes.invalid`: Postfix's virtual alias map rewrites an address
 *   to these, and Dovecot's LMTP takes the part before "@". `.invalid` never resolves (RFC 2606), and the API
 *   refuses it as a forward, so no address can reach another account's mailbox through it.
 */
import { CONTROL_CHARS } from '../validation.js';

export const MAILBOX_DELIVERY_DOMAIN = 'orchestra-mailboxes.invalid';

const MAILBOX_NAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;
const LOCAL_PART = /^[a-z0-9_+-]+(\.[a-z0-9_+-]+)*$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;
/** Forward targets: any ordinary address (the local part of another domain may have more characters than ours). */
const FORWARD = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

export function validateMailboxName(name: string): string | null {
  if (!MAILBOX_NAME.test(name) || name.includes('..')) {
    return 'must be 1 to 32 characters: lowercase letters, digits, ".", "_" or "-", starting with a letter or digit';
  }
  return null;
}

/** '' (the catch-all) or a local part. */
export function validateLocalPart(name: string): string | null {
  if (name === '') return null;
  if (name.length > 64) return 'must be at most 64 characters';
  if (!LOCAL_PART.test(name)) return 'must be lowercase letters, digits, "_", "+", "-" and single dots between them';
  return null;
}

/** A domain name in punycode, lowercase (as Orchestra stores domains). */
export function validateMailDomain(name: string): string | null {
  return DOMAIN.test(name) ? null : 'must be a lowercase domain name';
}

export function validateForward(address: string): string | null {
  if (address.length > 254 || CONTROL_CHARS.test(address) || !FORWARD.test(address)) return 'must be an e-mail address (local part @ lowercase domain)';
  if (address.endsWith(`@${MAILBOX_DELIVERY_DOMAIN}`)) return `cannot be an address of ${MAILBOX_DELIVERY_DOMAIN} (mailboxes are reached through addresses)`;
  return null;
}

/** Where Postfix delivers mail for a mailbox. */
export function mailboxDeliveryAddress(name: string): string {
  return `${name}@${MAILBOX_DELIVERY_DOMAIN}`;
}

/** The address as mail carries it: `name@domain`, or `@domain` for the catch-all (Postfix's notation). */
export function addressKey(name: string, domain: string): string {
  return `${name}@${domain}`;
}

/**
 * A mailing list's addresses on its domain: the posting address and Mailman 3's own (bounces, confirmations,
 * commands, the owners). Postfix hands all of them to Mailman's LMTP; no address of the domain may take one.
 */
export const LIST_ADDRESS_SUFFIXES = ['', '-bounces', '-confirm', '-join', '-leave', '-owner', '-request', '-subscribe', '-unsubscribe'] as const;

/** Mailman's list names (its default `listname_chars`, `[-_.0-9a-z]`), short enough for the longest suffix. */
const LIST_NAME = /^[a-z0-9](?:[a-z0-9_-]|\.(?!\.))*$/;
export const LIST_NAME_MAX = 64 - '-unsubscribe'.length;

export function validateListName(name: string): string | null {
  if (name.length > LIST_NAME_MAX || !LIST_NAME.test(name) || name.endsWith('.')) {
    return `must be 1 to ${LIST_NAME_MAX} characters: lowercase letters, digits, "_", "-" and single dots, starting with a letter or digit`;
  }
  return null;
}

/** Every local part a list with this address name takes on its domain. */
export function listLocalParts(addressName: string): string[] {
  return LIST_ADDRESS_SUFFIXES.map((suffix) => `${addressName}${suffix}`);
}
