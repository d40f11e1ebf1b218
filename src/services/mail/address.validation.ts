/**
 * The rules of an address (django-orchestra inventory §2.5), on top of the backend's own validators
 * (src/orchestration/backends/mail/mail-names.ts).
 *
 * - `name@domain` is unique; the domain is one of the account's (another account's is NOT_FOUND, like every hidden
 *   object); '' is the domain's catch-all.
 * - Mailboxes: the account's own, by id; forwards: other addresses (never the address itself, never twice, never the
 *   internal delivery domain, so no address reaches another account's mailbox). At least one destination.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account } from '../../entities/accounts/account.js';
import { Mailbox } from '../../entities/mail/mailbox.js';
import { validateForward, validateLocalPart } from '../../orchestration/backends/mail/mail-names.js';
import { UserErrorCode } from '../../errors/user-input-error.js';
import { idOf } from '../../schema/relay/global-id.js';
import type { Validator } from '../../validation/validator.js';

/** Most destinations of one address. */
export const MAX_DESTINATIONS = 100;

export function checkLocalPart(v: Validator, name: string): string {
  const normal = name.trim().toLowerCase();
  const problem = validateLocalPart(normal);
  if (problem) v.add('name', problem, normal.length > 64 ? UserErrorCode.TOO_LONG : UserErrorCode.INVALID);
  return normal;
}

/** The names of the mailboxes the ids name (sorted); each problem is a userError on `mailboxIds`. */
export async function checkMailboxes(v: Validator, em: EntityManager, account: Account, ids: readonly string[]): Promise<string[]> {
  if (ids.length > MAX_DESTINATIONS) {
    v.add('mailboxIds', `must be at most ${MAX_DESTINATIONS}`, UserErrorCode.TOO_LONG);
    return [];
  }
  const names = new Set<string>();
  for (const [i, globalId] of ids.entries()) {
    let id: string;
    try {
      id = idOf('Mailbox', globalId);
    } catch {
      v.add(`mailboxIds[${i}]`, 'is not a mailbox id');
      continue;
    }
    const mailbox = await em.findOne(Mailbox, { id });
    if (!mailbox || mailbox.account.id !== account.id) v.add(`mailboxIds[${i}]`, 'no such mailbox of the account', UserErrorCode.NOT_FOUND);
    else names.add(mailbox.name);
  }
  return [...names].sort();
}

/** The forwards, lowercase and sorted; each problem is a userError on `forwards[i]`. */
export function checkForwards(v: Validator, forwards: readonly string[], self: string): string[] {
  if (forwards.length > MAX_DESTINATIONS) {
    v.add('forwards', `must be at most ${MAX_DESTINATIONS}`, UserErrorCode.TOO_LONG);
    return [];
  }
  const seen = new Set<string>();
  forwards.forEach((raw, i) => {
    const forward = raw.trim().toLowerCase();
    const problem = validateForward(forward);
    if (problem) v.add(`forwards[${i}]`, problem);
    else if (forward === self) v.add(`forwards[${i}]`, 'an address cannot forward to itself');
    else if (seen.has(forward)) v.add(`forwards[${i}]`, 'is listed twice');
    else seen.add(forward);
  });
  return [...seen].sort();
}

export function checkHasDestination(v: Validator, mailboxes: readonly string[], forwards: readonly string[]): void {
  if (v.ok && mailboxes.length === 0 && forwards.length === 0) v.add('mailboxIds', 'an address needs a mailbox or a forward', UserErrorCode.REQUIRED);
}
