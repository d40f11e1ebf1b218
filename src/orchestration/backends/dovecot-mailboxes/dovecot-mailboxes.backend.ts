/**
 * Mailboxes on Dovecot (django-orchestra's UNIXUserMaildirController, inventory §4, rebuilt without system users):
 * Dovecot's passwd-file per mailbox, a Maildir under /var/mail/orchestra/<name> owned by the virtual-mail user
 * `vmail`, Sieve scripts compiled on the server, a quota per mailbox.
 *
 * Decisions:
 * - One passwd-file per mailbox (`/etc/dovecot/orchestra/mailboxes/<name>`, passdb and userdb with `%n`): a change
 *   writes one small file, never a list of every mailbox, and Dovecot needs no reload for it (it reads the file
 *   when it changed). Mode 0640 root:dovecot: it holds the hash.
 * - The password reaches the server only as `{SHA512-CRYPT}$6$…`, the hash Orchestra computed.
 * - The quota is a userdb field (`quota_rule=*:storage=<bytes>B`, Dovecot's `count` quota); a full mailbox makes
 *   LMTP answer with a temporary failure (`quota_full_tempfail`), so the mail waits in the sender's queue and
 *   arrives once the quota grows.
 * - Disabled (the mailbox or its account): `nologin=y` in its passdb entry. Login is refused with the right
 *   password, and open sessions are ended; mail is still delivered (a disabled customer does not lose mail; bouncing
 *   would tell every sender the address is dead). Enabled again: the same password logs in.
 * - delete: the passwd-file goes first (no login, no delivery: LMTP answers "user unknown"), then the Maildir is
 *   moved to the configured trash directory (`<trash>/<name>.<UTC time>`) or removed.
 * - Orchestra's Dovecot configuration (`/etc/dovecot/conf.d/90-orchestra.conf`, ./dovecot.sh) is written by every
 *   script when it differs, then `doveadm reload` once, before the sections (a marker file keeps a failed reload
 *   pending for the next run); Debian's PAM/passwd authentication is turned off so a
 *   mailbox named like a UNIX user is only the mailbox.
 */
import { defineBackend, type TypedOperation } from '../backend.js';
import { ShellCode, joinShell, sh } from '../../shell/quote.js';
import { bashFragment } from '../../shell/fragment.js';
import { WRITE_IF_CHANGED } from '../write-if-changed.js';
import { SHA512_CRYPT } from '../../../crypto/sha512-crypt.js';
import { IssueList, isPlainObject, own } from '../validation.js';
import { validateMailboxName } from '../mail/mail-names.js';
import { SPAM_FILTERS, mainSieve, spamSieve, type SpamFilterName } from '../mail/mailbox-sieve.js';

/** Dovecot's scheme prefix on the stored hash. */
export const DOVECOT_HASH_PREFIX = '{SHA512-CRYPT}';
/** The largest custom Sieve script accepted (Pigeonhole's default sieve_max_script_size is 1 MiB). */
export const CUSTOM_SIEVE_MAX = 64 * 1024;
const TRASH_DIR = /^\/(?:[A-Za-z0-9_.+-]+\/)*[A-Za-z0-9_+-][A-Za-z0-9_.+-]*$/;

export interface MailboxSource {
  name: string;
  passwordHash: string;
  isActive: boolean;
  quotaBytes: number;
  spamFilter: SpamFilterName;
  customSieve: string | null;
  /** Where a deleted mailbox's mail goes; null: removed. */
  trashDir: string | null;
  account: { username: string; isActive: boolean; type?: string | null };
}

export interface MailboxSnapshot {
  name: string;
  passwordHash: string;
  /** Effective: the mailbox's own flag AND its account's. */
  isActive: boolean;
  quotaBytes: number;
  spamFilter: SpamFilterName;
  customSieve: string | null;
  trashDir: string | null;
  accountUsername: string;
  accountType: string | null;
}

export function validateDovecotHash(hash: string): string | null {
  return hash.startsWith(DOVECOT_HASH_PREFIX) && SHA512_CRYPT.test(hash.slice(DOVECOT_HASH_PREFIX.length)) ? null : 'must be a {SHA512-CRYPT} hash';
}

export function validateTrashDir(dir: string): string | null {
  if (dir.length > 200 || !TRASH_DIR.test(dir) || dir.split('/').some((s) => s === '.' || s === '..')) return 'must be a normalised absolute path';
  return null;
}

function validate(raw: unknown, fromSource: boolean): MailboxSnapshot {
  const issues = new IssueList();
  const obj = issues.object(raw, dovecotMailboxesBackend.name);
  const name = issues.string(obj, 'name');
  if (name) issues.check('name', validateMailboxName(name));
  const passwordHash = issues.string(obj, 'passwordHash');
  if (passwordHash) issues.check('passwordHash', validateDovecotHash(passwordHash));
  const quotaBytes = own(obj, 'quotaBytes');
  if (typeof quotaBytes !== 'number' || !Number.isSafeInteger(quotaBytes) || quotaBytes < 1) issues.add('quotaBytes', 'must be a positive number of bytes');
  const spamFilter = own(obj, 'spamFilter') as SpamFilterName;
  if (!SPAM_FILTERS.includes(spamFilter)) issues.add('spamFilter', `must be one of ${SPAM_FILTERS.join(', ')}`);
  const customSieve = own(obj, 'customSieve') ?? null;
  if (customSieve !== null && (typeof customSieve !== 'string' || customSieve.length > CUSTOM_SIEVE_MAX || customSieve.includes('\0'))) {
    issues.add('customSieve', `must be a text of at most ${CUSTOM_SIEVE_MAX} characters or null`);
  }
  const trashDir = own(obj, 'trashDir') ?? null;
  if (trashDir !== null && (typeof trashDir !== 'string' || validateTrashDir(trashDir) !== null)) issues.add('trashDir', 'must be a normalised absolute path or null');
  let isActive: boolean;
  let accountUsername: string;
  let accountType: string | null = null;
  if (fromSource) {
    const account = own(obj, 'account');
    if (!isPlainObject(account)) {
      issues.add('account', 'must be an object');
      isActive = false;
      accountUsername = '';
    } else {
      isActive = issues.boolean(obj, 'isActive') && issues.boolean(account, 'isActive', 'account.isActive');
      accountUsername = issues.string(account, 'username', 'account.username');
      const type = own(account, 'type');
      if (typeof type === 'string') accountType = type;
    }
  } else {
    isActive = issues.boolean(obj, 'isActive');
    accountUsername = issues.string(obj, 'accountUsername');
    const type = own(obj, 'accountType');
    if (typeof type === 'string') accountType = type;
  }
  issues.throwIfAny(dovecotMailboxesBackend.name);
  return {
    name,
    passwordHash,
    isActive,
    quotaBytes: quotaBytes as number,
    spamFilter,
    customSieve: customSieve === '' ? null : (customSieve as string | null),
    trashDir: trashDir as string | null,
    accountUsername,
    accountType,
  };
}

const DOVECOT = bashFragment(new URL('./dovecot.sh', import.meta.url));
const SAVE = bashFragment(new URL('./save.sh', import.meta.url));
const DELETE = bashFragment(new URL('./delete.sh', import.meta.url));

function saveCall(s: MailboxSnapshot): ShellCode {
  const spam = spamSieve(s.spamFilter);
  const custom = s.customSieve ?? '';
  const main = mainSieve(spam !== '', custom !== '');
  return sh`save_mailbox ${[s.name, s.passwordHash, s.isActive ? 'active' : 'disabled', s.quotaBytes, main, spam, custom]}`;
}

export const dovecotMailboxesBackend = defineBackend<MailboxSnapshot>({
  name: 'dovecot-mailboxes',
  description: 'Mailboxes on Dovecot: passwd-file users ({SHA512-CRYPT}, quota, nologin when disabled), Maildirs owned by vmail, Sieve.',
  model: 'Mailbox',
  ignoredFields: ['createdAt', 'updatedAt'],
  actions: ['save', 'delete'],
  timeoutMs: 5 * 60_000,
  matchFields: ['mailbox.name', 'mailbox.isActive', 'account.username', 'account.type'],
  booleanMatchFields: ['mailbox.isActive'],
  snapshot: (source) => validate(source, true),
  parseSnapshot: (raw) => validate(raw, false),
  matchContext: (s) => ({ mailbox: { name: s.name, isActive: s.isActive }, account: { username: s.accountUsername, type: s.accountType } }),
  label: (s) => s.name,
  // Reloaded before the sections: sievec compiles as the mailbox's user, whom only Orchestra's configuration knows.
  prepare(operations) {
    const actions = new Set(operations.map((op) => op.action));
    return joinShell([
      WRITE_IF_CHANGED, DOVECOT, actions.has('save') ? SAVE : ShellCode.empty, actions.has('delete') ? DELETE : ShellCode.empty, ShellCode.trusted('ensure_dovecot\nreload_dovecot'),
    ], '\n\n');
  },
  // SUCCESS means Dovecot answers with what was written (its once-a-second look at a passwd-file: ./dovecot.sh).
  commit: () => ShellCode.trusted('dovecot_settle'),
  section(op: TypedOperation<MailboxSnapshot>) {
    const s = op.snapshot;
    if (op.action === 'delete') return sh`delete_mailbox ${s.name} ${s.trashDir ?? ''}`;
    return saveCall(s);
  },
});
