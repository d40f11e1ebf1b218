/**
 * Autoresponses on Dovecot (django-orchestra's AutoresponseController was a stub, inventory §4): each address with
 * an active autoresponse has an autoresponder, a delivery-only Dovecot user `_autoresponse.<address id>` (no
 * password: it cannot log in; mailbox names cannot start with "_", so it never meets one) whose Sieve script answers
 * with `vacation` and discards. The address's alias line (../postfix-addresses) lists it as one more destination.
 *
 * Decisions:
 * - A separate recipient rather than a rule in each mailbox's script: the answer is the address's, it works for an
 *   address that only forwards, and a mailbox reached by several addresses answers only for the one that has it.
 * - The window is checked at delivery (Sieve `currentdate`, the server's date), so no schedule has to switch it on
 *   or off. Inactive or removed: the autoresponder and its memory of whom it answered are removed.
 * - Serves every address: a save without an autoresponse removes one left from before (idempotent, cheap).
 */
import { defineBackend, type TypedOperation } from '../backend.js';
import { ShellCode, joinShell, sh } from '../../shell/quote.js';
import { bashFragment } from '../../shell/fragment.js';
import { WRITE_IF_CHANGED } from '../write-if-changed.js';
import { IssueList, isPlainObject, own } from '../validation.js';
import { addressKey, validateLocalPart, validateMailDomain } from '../mail/mail-names.js';
import { autoresponseSieve } from '../mail/autoresponse-sieve.js';

export interface AutoresponseSnapshot {
  /** The Dovecot user, `_autoresponse.<address id>`. */
  user: string;
  address: string;
  /** Null: no active autoresponse (the autoresponder is removed). */
  autoresponse: { from: string | null; until: string | null; subject: string; message: string; days: number } | null;
  accountUsername: string;
  accountType: string | null;
}

const USER = /^_autoresponse\.[0-9]{1,19}$/;
const DAY = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/** The autoresponder user of an address. */
export function autoresponderUser(addressId: string): string {
  return `_autoresponse.${addressId}`;
}

function checkAutoresponse(issues: IssueList, raw: unknown): AutoresponseSnapshot['autoresponse'] {
  if (raw === null || raw === undefined) return null;
  if (!isPlainObject(raw)) {
    issues.add('autoresponse', 'must be an object or null');
    return null;
  }
  if (own(raw, 'isActive') === false) return null;
  const day = (field: string) => {
    const v = own(raw, field) ?? null;
    if (v !== null && (typeof v !== 'string' || !DAY.test(v))) issues.add(`autoresponse.${field}`, 'must be YYYY-MM-DD or null');
    return v as string | null;
  };
  const subject = issues.string(raw, 'subject', 'autoresponse.subject');
  if (subject === '' || subject.length > 200 || /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(subject)) issues.add('autoresponse.subject', 'must be one line of 1 to 200 characters');
  const message = issues.string(raw, 'message', 'autoresponse.message');
  if (message.length > 10_000 || /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(message)) issues.add('autoresponse.message', 'must be text of at most 10000 characters');
  const days = own(raw, 'days');
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 365) issues.add('autoresponse.days', 'must be 1 to 365');
  return { from: day('from'), until: day('until'), subject, message, days: days as number };
}

function validate(raw: unknown, fromSource: boolean): AutoresponseSnapshot {
  const issues = new IssueList();
  const obj = issues.object(raw, dovecotAutoresponsesBackend.name);
  let user: string;
  let address: string;
  let accountUsername: string;
  let accountType: string | null = null;
  if (fromSource) {
    const id = issues.id(obj, 'id');
    user = autoresponderUser(id);
    const name = issues.string(obj, 'name');
    issues.check('name', validateLocalPart(name));
    const domain = issues.string(obj, 'domain');
    issues.check('domain', validateMailDomain(domain));
    address = addressKey(name, domain);
    const account = own(obj, 'account');
    accountUsername = isPlainObject(account) ? issues.string(account, 'username', 'account.username') : '';
    if (isPlainObject(account) && typeof own(account, 'type') === 'string') accountType = own(account, 'type') as string;
  } else {
    user = issues.string(obj, 'user');
    address = issues.string(obj, 'address');
    accountUsername = issues.string(obj, 'accountUsername');
    if (typeof own(obj, 'accountType') === 'string') accountType = own(obj, 'accountType') as string;
  }
  if (!USER.test(user)) issues.add('user', 'must be an autoresponder user');
  const autoresponse = checkAutoresponse(issues, own(obj, 'autoresponse'));
  issues.throwIfAny(dovecotAutoresponsesBackend.name);
  return { user, address, autoresponse, accountUsername, accountType };
}

const DOVECOT = bashFragment(new URL('../dovecot-mailboxes/dovecot.sh', import.meta.url));
const SAVE = bashFragment(new URL('./save.sh', import.meta.url));
const DELETE = bashFragment(new URL('./delete.sh', import.meta.url));

/** Whether the operation removes the autoresponder (a delete, or an address without an active autoresponse). */
const removes = (op: TypedOperation<AutoresponseSnapshot>) => op.action === 'delete' || op.snapshot.autoresponse === null;

export const dovecotAutoresponsesBackend = defineBackend<AutoresponseSnapshot>({
  name: 'dovecot-autoresponses',
  description: 'Autoresponses of addresses on Dovecot: a delivery-only user per address whose Sieve vacation answers once per sender.',
  model: 'Address',
  ignoredFields: ['createdAt', 'updatedAt', 'mailboxes', 'forwards'],
  actions: ['save', 'delete'],
  timeoutMs: 5 * 60_000,
  matchFields: ['address.address', 'account.username', 'account.type'],
  snapshot: (source) => validate(source, true),
  parseSnapshot: (raw) => validate(raw, false),
  matchContext: (s) => ({ address: { address: s.address }, account: { username: s.accountUsername, type: s.accountType } }),
  label: (s) => s.address,
  prepare(operations) {
    return joinShell([
      WRITE_IF_CHANGED, DOVECOT, operations.some((op) => !removes(op)) ? SAVE : ShellCode.empty, operations.some(removes) ? DELETE : ShellCode.empty,
      ShellCode.trusted('ensure_dovecot\nreload_dovecot'),
    ], '\n\n');
  },
  // SUCCESS means Dovecot answers with what was written (its once-a-second look at a passwd-file: ./dovecot.sh).
  commit: () => ShellCode.trusted('dovecot_settle'),
  section(op: TypedOperation<AutoresponseSnapshot>) {
    const s = op.snapshot;
    if (removes(op)) return sh`delete_autoresponder ${s.user}`;
    return sh`save_autoresponder ${s.user} ${autoresponseSieve({ address: s.address, ...s.autoresponse! })}`;
  },
});
