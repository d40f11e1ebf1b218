/**
 * Mailing lists on Mailman 3 and Postfix (django-orchestra's MailmanController and MailmanVirtualDomainController,
 * inventory §4, which drove Mailman 2 with its command-line tools).
 *
 * Decisions:
 * - Mailman through its REST API on the server (curl from the script to the address, user and password of
 *   /etc/mailman3/mailman.cfg's [webservice]; the credentials go to curl in a private file, never on a command
 *   line). The REST API is Mailman 3's administrative interface: domains, lists, owners and settings are one request
 *   each, with plain answers; its command line creates and removes lists but changes no setting.
 * - The list's identity on Mailman is its posting address `addressName@domain` (Mailman 3 names lists by it); the
 *   Mailman domain is created with the first list on it and kept (deleting a Mailman domain deletes its lists).
 * - One owner: the admin e-mail (others are removed). The list's password is that owner's Mailman password, set
 *   from the `$6$` hash Orchestra stored (Mailman's passlib verifies SHA-512-crypt). Mailman's REST API takes only
 *   clear passwords, which Orchestra never has: the hashes are set in one `mailman shell` session per script, only
 *   where they differ. An admin e-mail shared by several lists shares its password.
 * - Disabled (the list or its account): `default_member_action` and `default_nonmember_action` are `reject`, so every
 *   post is refused with a notice to its sender, and the list is not advertised; enabled: Mailman's defaults again
 *   (`defer`, `hold`), advertised.
 * - Postfix (the same maps as ../postfix-addresses, merged by ../postfix-addresses/postfix.sh, so neither backend
 *   clobbers the other's lines): each of the list's addresses (../mail/mail-names.ts) is a line of
 *   `list_transports` to Mailman's LMTP (`[mta] lmtp_host`, `lmtp_port`) and an alias of itself in `virtual_aliases`
 *   (a catch-all of the domain must not take it); the domain is a virtual or relay domain like an address's, and
 *   leaves Postfix when its last address or list goes.
 * - delete: the list is removed from Mailman (members and archives with it), then from Postfix's maps.
 */
import { defineBackend, type TypedOperation } from '../backend.js';
import { ShellCode, joinShell, sh } from '../../shell/quote.js';
import { bashFragment } from '../../shell/fragment.js';
import { SHA512_CRYPT } from '../../../crypto/sha512-crypt.js';
import { IssueList, isPlainObject, own } from '../validation.js';
import { MAILBOX_DELIVERY_DOMAIN, listLocalParts, validateForward, validateListName, validateMailDomain } from '../mail/mail-names.js';

export interface MailingListSource {
  addressName: string;
  domain: string;
  adminEmail: string;
  passwordHash: string;
  isActive: boolean;
  /** False: this server is a secondary MX of the domain (its MX records point elsewhere). */
  isFinalDestination: boolean;
  account: { username: string; isActive: boolean; type?: string | null };
}

export interface MailingListSnapshot {
  /** The posting address, `addressName@domain`: the list's name on Mailman. */
  address: string;
  domain: string;
  adminEmail: string;
  passwordHash: string;
  /** Effective: the list's own flag AND its account's. */
  isActive: boolean;
  isFinalDestination: boolean;
  accountUsername: string;
  accountType: string | null;
}

function validate(raw: unknown, fromSource: boolean): MailingListSnapshot {
  const issues = new IssueList();
  const obj = issues.object(raw, mailmanListsBackend.name);
  let address: string;
  let domain: string;
  if (fromSource) {
    const name = issues.string(obj, 'addressName');
    issues.check('addressName', validateListName(name));
    domain = issues.string(obj, 'domain');
    address = `${name}@${domain}`;
  } else {
    address = issues.string(obj, 'address');
    domain = issues.string(obj, 'domain');
    const at = address.lastIndexOf('@');
    if (at < 0 || address.slice(at + 1) !== domain || validateListName(address.slice(0, at)) !== null) issues.add('address', 'must be a list name @ the domain');
  }
  issues.check('domain', validateMailDomain(domain));
  const adminEmail = issues.string(obj, 'adminEmail');
  issues.check('adminEmail', validateForward(adminEmail));
  const passwordHash = issues.string(obj, 'passwordHash');
  if (!SHA512_CRYPT.test(passwordHash)) issues.add('passwordHash', 'must be a SHA-512-crypt hash');
  const isFinalDestination = issues.boolean(obj, 'isFinalDestination');
  let isActive: boolean;
  let accountUsername = '';
  let accountType: string | null = null;
  if (fromSource) {
    const account = own(obj, 'account');
    if (!isPlainObject(account)) {
      issues.add('account', 'must be an object');
      isActive = false;
    } else {
      isActive = issues.boolean(obj, 'isActive') && issues.boolean(account, 'isActive', 'account.isActive');
      accountUsername = issues.string(account, 'username', 'account.username');
      if (typeof own(account, 'type') === 'string') accountType = own(account, 'type') as string;
    }
  } else {
    isActive = issues.boolean(obj, 'isActive');
    accountUsername = issues.string(obj, 'accountUsername');
    if (typeof own(obj, 'accountType') === 'string') accountType = own(obj, 'accountType') as string;
  }
  issues.throwIfAny(mailmanListsBackend.name);
  return { address, domain, adminEmail, passwordHash, isActive, isFinalDestination, accountUsername, accountType };
}

/** Every address of the list: the posting address and Mailman's own. */
function listAddresses(s: MailingListSnapshot): string[] {
  return listLocalParts(s.address.slice(0, s.address.lastIndexOf('@'))).map((part) => `${part}@${s.domain}`);
}

const POSTFIX = bashFragment(new URL('../postfix-addresses/postfix.sh', import.meta.url));
const POSTFIX_SAVE = bashFragment(new URL('../postfix-addresses/save.sh', import.meta.url));
const POSTFIX_DELETE = bashFragment(new URL('../postfix-addresses/delete.sh', import.meta.url));
const MAILMAN = bashFragment(new URL('./mailman.sh', import.meta.url));
const SAVE = bashFragment(new URL('./save.sh', import.meta.url));
const DELETE = bashFragment(new URL('./delete.sh', import.meta.url));

export const mailmanListsBackend = defineBackend<MailingListSnapshot>({
  name: 'mailman-lists',
  description: 'Mailing lists on Mailman 3 (its REST API on the server) and their addresses on Postfix (transport to Mailman\'s LMTP).',
  model: 'MailingList',
  ignoredFields: ['createdAt', 'updatedAt', 'name'],
  actions: ['save', 'delete'],
  timeoutMs: 5 * 60_000,
  matchFields: ['list.address', 'list.domain', 'list.isActive', 'account.username', 'account.type'],
  booleanMatchFields: ['list.isActive'],
  snapshot: (source) => validate(source, true),
  parseSnapshot: (raw) => validate(raw, false),
  matchContext: (s) => ({ list: { address: s.address, domain: s.domain, isActive: s.isActive }, account: { username: s.accountUsername, type: s.accountType } }),
  label: (s) => s.address,
  prepare(operations) {
    const actions = new Set(operations.map((op) => op.action));
    return joinShell([
      // Postfix's fragment first: Mailman's replaces its EXIT trap with one that cleans up after both.
      POSTFIX, actions.has('save') ? POSTFIX_SAVE : ShellCode.empty, actions.has('delete') ? POSTFIX_DELETE : ShellCode.empty,
      MAILMAN, actions.has('save') ? SAVE : ShellCode.empty, actions.has('delete') ? DELETE : ShellCode.empty,
      sh`ensure_postfix ${MAILBOX_DELIVERY_DOMAIN}`, ShellCode.trusted('ensure_mailman'),
    ], '\n\n');
  },
  section(op: TypedOperation<MailingListSnapshot>) {
    const s = op.snapshot;
    if (op.action === 'delete') return sh`delete_list ${s.address} ${listAddresses(s)}`;
    const [served, other] = s.isFinalDestination ? ['virtual_domains', 'relay_domains'] : ['relay_domains', 'virtual_domains'];
    return sh`
      save_list ${[s.address, s.adminEmail, s.passwordHash, s.isActive ? 'active' : 'disabled', ...listAddresses(s)]}
      map_set ${served} ${s.domain} ${s.isFinalDestination ? 'final' : 'secondary-mx'}
      map_unset ${other} ${s.domain}`;
  },
  // Passwords before the maps: a list is reachable only once it is complete.
  commit: (operations) => ShellCode.trusted(operations.some((op) => op.action === 'save') ? 'commit_mailman\ncommit_postfix' : 'commit_postfix'),
});
