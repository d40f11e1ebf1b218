/**
 * Addresses on Postfix (django-orchestra's PostfixAddressController and PostfixAddressVirtualDomainController,
 * inventory §4): hash maps in /etc/postfix/orchestra, which Orchestra's main.cf settings name (./postfix.sh).
 *
 * Decisions:
 * - `virtual_aliases`: one line per address, `name@domain` (the catch-all `@domain`) → its destinations: its
 *   mailboxes as `<mailbox>@orchestra-mailboxes.invalid` (delivered by Dovecot's LMTP, ../mail/mail-names.ts), its
 *   forwards, and its autoresponder while it has an active autoresponse.
 * - A domain is served only while it has addresses: a save puts it in `virtual_domains` (this server is its
 *   final destination: its MX records include one of Orchestra's default MX hosts, or none are configured) or in
 *   `relay_domains` (its MX points elsewhere: this server is a secondary MX that queues and relays; aliases are
 *   still applied). A delete removes the domain from both when no address of it is left on the server.
 * - A change is O(1) in the number of addresses on the server's side that matters: every section queues its lines,
 *   the commit merges each changed map in one pass and runs one `postmap` per changed map (not one per address);
 *   main.cf is changed (and Postfix reloaded) only when its settings differ.
 */
import { defineBackend, type TypedOperation } from '../backend.js';
import { ShellCode, joinShell, sh } from '../../shell/quote.js';
import { bashFragment } from '../../shell/fragment.js';
import { IssueList, isPlainObject, own } from '../validation.js';
import { MAILBOX_DELIVERY_DOMAIN, addressKey, mailboxDeliveryAddress, validateForward, validateLocalPart, validateMailDomain, validateMailboxName } from '../mail/mail-names.js';

export interface AddressSource {
  id: string;
  name: string;
  domain: string;
  mailboxes: readonly string[];
  forwards: readonly string[];
  /** The Dovecot user of its autoresponse, while it has an active one (../dovecot-autoresponses); null: none. */
  autoresponder: string | null;
  /** What ../dovecot-autoresponses renders (this backend needs only `autoresponder`). */
  autoresponse: { isActive: boolean; from: string | null; until: string | null; subject: string; message: string; days: number } | null;
  /** False: this server is a secondary MX of the domain (its MX records point elsewhere). */
  isFinalDestination: boolean;
  account: { username: string; type?: string | null };
}

export interface AddressSnapshot {
  /** `name@domain`, `@domain` for the catch-all. */
  address: string;
  domain: string;
  /** Where Postfix sends its mail, sorted. Never empty. */
  destinations: string[];
  isFinalDestination: boolean;
  accountUsername: string;
  accountType: string | null;
}

const AUTORESPONDER = /^_autoresponse\.[0-9]{1,19}$/;

function fromSource(raw: unknown, issues: IssueList): AddressSnapshot {
  const obj = issues.object(raw, postfixAddressesBackend.name);
  const name = issues.string(obj, 'name');
  issues.check('name', validateLocalPart(name));
  const domain = issues.string(obj, 'domain');
  issues.check('domain', validateMailDomain(domain));
  const destinations: string[] = [];
  const list = (field: string, check: (v: string) => string | null, map: (v: string) => string) => {
    const values = own(obj, field);
    if (!Array.isArray(values)) return issues.add(field, 'must be a list');
    values.forEach((v, i) => {
      if (typeof v !== 'string' || check(v) !== null) issues.add(`${field}[${i}]`, typeof v === 'string' ? check(v)! : 'must be a string');
      else destinations.push(map(v));
    });
  };
  list('mailboxes', validateMailboxName, mailboxDeliveryAddress);
  list('forwards', validateForward, (v) => v);
  const autoresponder = own(obj, 'autoresponder') ?? null;
  if (autoresponder !== null) {
    if (typeof autoresponder !== 'string' || !AUTORESPONDER.test(autoresponder)) issues.add('autoresponder', 'must be an autoresponder user or null');
    else destinations.push(mailboxDeliveryAddress(autoresponder));
  }
  if (destinations.length === 0) issues.add('mailboxes', 'an address needs a mailbox or a forward');
  const isFinalDestination = issues.boolean(obj, 'isFinalDestination');
  const account = own(obj, 'account');
  let accountUsername = '';
  let accountType: string | null = null;
  if (!isPlainObject(account)) issues.add('account', 'must be an object');
  else {
    accountUsername = issues.string(account, 'username', 'account.username');
    const type = own(account, 'type');
    if (typeof type === 'string') accountType = type;
  }
  issues.throwIfAny(postfixAddressesBackend.name);
  return { address: addressKey(name, domain), domain, destinations: [...new Set(destinations)].sort(), isFinalDestination, accountUsername, accountType };
}

function parse(raw: unknown, issues: IssueList): AddressSnapshot {
  const obj = issues.object(raw, postfixAddressesBackend.name);
  const address = issues.string(obj, 'address');
  const domain = issues.string(obj, 'domain');
  issues.check('domain', validateMailDomain(domain));
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1) !== domain || validateLocalPart(address.slice(0, at)) !== null) issues.add('address', 'must be a local part (or nothing) @ the domain');
  const destinations = own(obj, 'destinations');
  const internal = `@${MAILBOX_DELIVERY_DOMAIN}`;
  if (!Array.isArray(destinations) || destinations.length === 0) issues.add('destinations', 'must be a non-empty list');
  else {
    destinations.forEach((d, i) => {
      const ok = typeof d === 'string'
        && (d.endsWith(internal) ? validateMailboxName(d.slice(0, -internal.length)) === null || AUTORESPONDER.test(d.slice(0, -internal.length)) : validateForward(d) === null);
      if (!ok) issues.add(`destinations[${i}]`, 'must be a mailbox, autoresponder or forward address');
    });
  }
  const isFinalDestination = issues.boolean(obj, 'isFinalDestination');
  const accountUsername = issues.string(obj, 'accountUsername');
  const type = own(obj, 'accountType');
  issues.throwIfAny(postfixAddressesBackend.name);
  return { address, domain, destinations: destinations as string[], isFinalDestination, accountUsername, accountType: typeof type === 'string' ? type : null };
}

const POSTFIX = bashFragment(new URL('./postfix.sh', import.meta.url));
const SAVE = bashFragment(new URL('./save.sh', import.meta.url));
const DELETE = bashFragment(new URL('./delete.sh', import.meta.url));

export const postfixAddressesBackend = defineBackend<AddressSnapshot>({
  name: 'postfix-addresses',
  description: 'Addresses on Postfix: virtual alias map (mailboxes, forwards, autoresponder), virtual or relay domain while it has addresses.',
  model: 'Address',
  ignoredFields: ['createdAt', 'updatedAt'],
  actions: ['save', 'delete'],
  timeoutMs: 5 * 60_000,
  matchFields: ['address.address', 'address.domain', 'account.username', 'account.type'],
  snapshot: (source) => fromSource(source, new IssueList()),
  parseSnapshot: (raw) => parse(raw, new IssueList()),
  matchContext: (s) => ({ address: { address: s.address, domain: s.domain }, account: { username: s.accountUsername, type: s.accountType } }),
  label: (s) => s.address,
  prepare(operations) {
    const actions = new Set(operations.map((op) => op.action));
    return joinShell([
      POSTFIX, actions.has('save') ? SAVE : ShellCode.empty, actions.has('delete') ? DELETE : ShellCode.empty, sh`ensure_postfix ${MAILBOX_DELIVERY_DOMAIN}`,
    ], '\n\n');
  },
  section(op: TypedOperation<AddressSnapshot>) {
    const s = op.snapshot;
    if (op.action === 'delete') return sh`map_unset virtual_aliases ${s.address}\ndomain_release ${s.domain}`;
    const [served, other] = s.isFinalDestination ? ['virtual_domains', 'relay_domains'] : ['relay_domains', 'virtual_domains'];
    return sh`
      map_set virtual_aliases ${s.address} ${s.destinations.join(', ')}
      map_set ${served} ${s.domain} ${s.isFinalDestination ? 'final' : 'secondary-mx'}
      map_unset ${other} ${s.domain}`;
  },
  commit: () => ShellCode.trusted('commit_postfix'),
});
