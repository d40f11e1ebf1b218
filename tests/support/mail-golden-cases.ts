import type { Backend } from '../../src/orchestration/backends/backend.js';
import { dovecotMailboxesBackend, type MailboxSource } from '../../src/orchestration/backends/dovecot-mailboxes/dovecot-mailboxes.backend.js';
import { dovecotAutoresponsesBackend } from '../../src/orchestration/backends/dovecot-autoresponses/dovecot-autoresponses.backend.js';
import { postfixAddressesBackend, type AddressSource } from '../../src/orchestration/backends/postfix-addresses/postfix-addresses.backend.js';
import { mailmanListsBackend, type MailingListSource } from '../../src/orchestration/backends/mailman-lists/mailman-lists.backend.js';
import { sha512Crypt } from '../../src/crypto/sha512-crypt.js';
import type { OperationInput } from '../../src/orchestration/types.js';

/** A fixed hash (a fixed salt), so the golden scripts are stable; the password itself appears nowhere. */
export const DOVECOT_HASH = `{SHA512-CRYPT}${sha512Crypt('golden password', 'goldensalt')}`;

const account = { username: 'alice', isActive: true, type: 'COMPANY' };

export function mailboxSource(overrides: Partial<MailboxSource> = {}): MailboxSource {
  return {
    name: 'alice', passwordHash: DOVECOT_HASH, isActive: true, quotaBytes: 1073741824, spamFilter: 'MOVE_TO_SPAM', customSieve: null,
    trashDir: null, account, ...overrides,
  };
}

export function addressSource(overrides: Partial<AddressSource> = {}): AddressSource {
  return {
    id: '51', name: 'info', domain: 'alice.example', mailboxes: ['alice'], forwards: [], autoresponder: null, autoresponse: null, isFinalDestination: true,
    account: { username: 'alice', type: 'COMPANY' }, ...overrides,
  };
}

export function mailingListSource(overrides: Partial<MailingListSource> = {}): MailingListSource {
  return {
    addressName: 'news', domain: 'alice.example', adminEmail: 'owner@alice.example', passwordHash: sha512Crypt('golden password', 'goldensalt'), isActive: true,
    isFinalDestination: true, account, ...overrides,
  };
}

function op(backend: Backend, operationId: string, action: string, objectId: string, source: unknown): OperationInput {
  return { operationId, action, model: backend.model, objectId, snapshot: backend.snapshot(source) as Record<string, unknown> };
}

/** Hostile text in every value that can carry it: a custom Sieve script (written as is), ids in comments. */
const HOSTILE_ID = "op-'1'\n$(touch /tmp/canary) `id`";
const HOSTILE_SIEVE = 'require ["fileinto"];\n# \'$(touch /tmp/canary)\' `id` "quoted" \\ \nif header :contains "subject" "$(id)" { fileinto "Fo\'o"; }\n';

const AUTORESPONSE = { isActive: true, from: '2026-07-01', until: '2026-08-31', subject: 'Out of office', message: 'Back in September.\nRegards', days: 7 };
const HOSTILE_AUTORESPONSE = { isActive: true, from: null, until: null, subject: 'Out: "now" $(touch /tmp/canary) `id` \\ \'q\'', message: '"quoted" \\ $(id)\n\'line\'', days: 1 };

/** The golden cases of the mail backends (tests/backends.test.ts). */
export const MAIL_GOLDEN: Record<string, Record<string, () => OperationInput[]>> = {
  'dovecot-mailboxes': {
    save: () => [op(dovecotMailboxesBackend, 'op-801', 'save', '41', mailboxSource())],
    delete: () => [op(dovecotMailboxesBackend, 'op-802', 'delete', '42', mailboxSource({ name: 'alice.old', trashDir: '/var/mail/trash' }))],
    // A new mailbox with its own script, one disabled with its account, one removed with its mail.
    multi: () => [
      op(dovecotMailboxesBackend, 'op-803', 'save', '41', mailboxSource({ spamFilter: 'SUBJECT_TAG', customSieve: 'require ["fileinto"];\nfileinto "Inbox2";\n' })),
      op(dovecotMailboxesBackend, 'op-804', 'save', '43', mailboxSource({ name: 'bob', spamFilter: 'DISABLED', account: { ...account, isActive: false } })),
      op(dovecotMailboxesBackend, 'op-805', 'delete', '42', mailboxSource({ name: 'alice.old' })),
    ],
    hostile: () => [op(dovecotMailboxesBackend, HOSTILE_ID, 'save', '41\n$(id)', mailboxSource({ spamFilter: 'REJECT', customSieve: HOSTILE_SIEVE }))],
  },
  'dovecot-autoresponses': {
    save: () => [op(dovecotAutoresponsesBackend, 'op-1001', 'save', '51', addressSource({ name: 'away', autoresponse: AUTORESPONSE }))],
    delete: () => [op(dovecotAutoresponsesBackend, 'op-1002', 'delete', '52', addressSource({ id: '52', autoresponse: AUTORESPONSE }))],
    // A new autoresponse, one switched off, one deleted with its address.
    multi: () => [
      op(dovecotAutoresponsesBackend, 'op-1003', 'save', '51', addressSource({ name: 'away', autoresponse: { ...AUTORESPONSE, from: null } })),
      op(dovecotAutoresponsesBackend, 'op-1004', 'save', '53', addressSource({ id: '53', autoresponse: { ...AUTORESPONSE, isActive: false } })),
      op(dovecotAutoresponsesBackend, 'op-1005', 'delete', '52', addressSource({ id: '52', autoresponse: null })),
    ],
    hostile: () => [op(dovecotAutoresponsesBackend, HOSTILE_ID, 'save', '51\n$(id)', addressSource({ autoresponse: HOSTILE_AUTORESPONSE }))],
  },
  'mailman-lists': {
    save: () => [op(mailmanListsBackend, 'op-1101', 'save', '61', mailingListSource())],
    delete: () => [op(mailmanListsBackend, 'op-1102', 'delete', '62', mailingListSource({ addressName: 'old' }))],
    // A new list, one disabled with its account on a secondary-MX domain, a removed one.
    multi: () => [
      op(mailmanListsBackend, 'op-1103', 'save', '61', mailingListSource()),
      op(mailmanListsBackend, 'op-1104', 'save', '63', mailingListSource({ addressName: 'team.internal', domain: 'backup.example', isFinalDestination: false, account: { ...account, isActive: false } })),
      op(mailmanListsBackend, 'op-1105', 'delete', '62', mailingListSource({ addressName: 'old' })),
    ],
    hostile: () => [op(mailmanListsBackend, HOSTILE_ID, 'save', '61\n$(id)', mailingListSource({ addressName: 'a_b-c.d', adminEmail: "o'hara!#$%&*+/=?^_`{|}~@elsewhere.example" }))],
  },
  'postfix-addresses': {
    save: () => [op(postfixAddressesBackend, 'op-901', 'save', '51', addressSource())],
    delete: () => [op(postfixAddressesBackend, 'op-902', 'delete', '52', addressSource({ name: 'old' }))],
    // Two mailboxes and a forward; a catch-all; a secondary-MX domain; a removed address.
    multi: () => [
      op(postfixAddressesBackend, 'op-903', 'save', '51', addressSource({ mailboxes: ['alice', 'bob'], forwards: ['boss@elsewhere.example'] })),
      op(postfixAddressesBackend, 'op-904', 'save', '53', addressSource({ name: '', mailboxes: ['bob'] })),
      op(postfixAddressesBackend, 'op-907', 'save', '55', addressSource({ id: '55', name: 'away', autoresponder: '_autoresponse.55' })),
      op(postfixAddressesBackend, 'op-905', 'save', '54', addressSource({ domain: 'backup.example', isFinalDestination: false, mailboxes: [], forwards: ['x@y.example'] })),
      op(postfixAddressesBackend, 'op-906', 'delete', '52', addressSource({ name: 'old' })),
    ],
    hostile: () => [op(postfixAddressesBackend, HOSTILE_ID, 'save', '51\n$(id)', addressSource({ name: 'a+b.c_d-e', forwards: ["o'hara!#$%&*+/=?^_`{|}~@elsewhere.example"] }))],
  },
};
