/**
 * The rules of a mailbox (django-orchestra inventory §2.5), on top of the backend's own validators (reused:
 * src/orchestration/backends/mail/mail-names.ts).
 *
 * - Names are unique among all mailboxes (the servers' user names): checked without the tenant scope; the caller
 *   learns only "taken".
 * - Passwords: passwordProblem(), the one rule of every password. Stored only as `{SHA512-CRYPT}` (Dovecot's scheme).
 * - A custom Sieve script must compile (sieve-check.ts); '' is none.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Mailbox } from '../../entities/mail/mailbox.js';
import { passwordProblem } from '../../auth/password.js';
import { hashSystemPassword } from '../../crypto/sha512-crypt.js';
import { CUSTOM_SIEVE_MAX, DOVECOT_HASH_PREFIX } from '../../orchestration/backends/dovecot-mailboxes/dovecot-mailboxes.backend.js';
import { validateMailboxName } from '../../orchestration/backends/mail/mail-names.js';
import { UserErrorCode } from '../../errors/user-input-error.js';
import type { Validator } from '../../validation/validator.js';
import { sieveErrors } from './sieve-check.js';

export function checkMailboxName(v: Validator, name: string): void {
  if (name === '') v.add('name', 'is required', UserErrorCode.REQUIRED);
  else if (name.length > 32) v.add('name', 'must be at most 32 characters', UserErrorCode.TOO_LONG);
  else {
    const problem = validateMailboxName(name);
    if (problem) v.add('name', problem);
  }
}

export async function checkMailboxNameFree(v: Validator, em: EntityManager, name: string): Promise<void> {
  const taken = await em.count(Mailbox, { name }, { filters: false });
  if (taken) v.add('name', 'is already taken', UserErrorCode.TAKEN);
}

/** The hash Dovecot stores, or undefined (and a userError) for a bad password. */
export function checkMailboxPassword(v: Validator, password: string): string | undefined {
  const problem = passwordProblem(password);
  if (problem) {
    v.add('password', problem, password === '' ? UserErrorCode.REQUIRED : UserErrorCode.INVALID);
    return undefined;
  }
  return DOVECOT_HASH_PREFIX + hashSystemPassword(password);
}

/** The script to store (null for none); its compile errors are userErrors on `customSieve`. */
export async function checkCustomSieve(v: Validator, script: string | null | undefined): Promise<string | null> {
  if (script === null || script === undefined || script.trim() === '') return null;
  if (script.length > CUSTOM_SIEVE_MAX) {
    v.add('customSieve', `must be at most ${CUSTOM_SIEVE_MAX} characters`, UserErrorCode.TOO_LONG);
    return null;
  }
  if (script.includes('\0')) {
    v.add('customSieve', 'must not contain NUL characters');
    return null;
  }
  const errors = await sieveErrors(script);
  for (const error of errors ?? []) v.add('customSieve', error);
  return script;
}
