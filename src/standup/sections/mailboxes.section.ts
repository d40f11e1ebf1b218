import { Mailbox } from '../../entities/mail/mailbox.js';
import { SpamFilter } from '../../entities/mail/spam-filter.js';
import { toGlobalId } from '../../schema/relay/global-id.js';
import { createMailbox, deleteMailbox, updateMailbox } from '../../services/mail/mailbox.use-cases.js';
import { passwordMatches } from '../password-matches.js';
import type { SetupSection } from '../setup-section.js';

export interface MailboxItem {
  name: string;
  password: string;
  isActive?: boolean;
  spamFilter?: keyof typeof SpamFilter;
  customSieve?: string;
}

/** Mailboxes (Dovecot users); a mailbox is its name. */
export const mailboxesSection: SetupSection<MailboxItem, Mailbox> = {
  kind: 'mailboxes',
  description: "Mailboxes on the dovecot-mailboxes routes' servers. Unlisted ones are deleted (their mail moved to the trash directory or removed).",
  itemSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'password'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 64 },
      password: { type: 'string', description: 'Kept only as the hash Dovecot reads; the same password again is no change.' },
      isActive: { type: 'boolean' },
      spamFilter: { enum: Object.keys(SpamFilter), description: 'MOVE_TO_SPAM when created without one.' },
      customSieve: { type: 'string', description: 'The owner\'s Sieve script; "" removes it.' },
    },
  },
  keyOf: (item) => item.name,
  async current({ uc, account }) {
    const mailboxes = await uc.em.find(Mailbox, { account }, { orderBy: { id: 'asc' } });
    return new Map(mailboxes.map((m) => [m.name, m]));
  },
  async create({ uc, account }, item) {
    await createMailbox(uc, {
      accountId: toGlobalId('Account', account.id),
      name: item.name,
      password: item.password,
      isActive: item.isActive ?? null,
      spamFilter: item.spamFilter === undefined ? null : SpamFilter[item.spamFilter],
      customSieve: item.customSieve ?? null,
    });
  },
  async update({ uc }, item, mailbox) {
    await updateMailbox(uc, {
      id: toGlobalId('Mailbox', mailbox.id),
      password: passwordMatches(item.password, mailbox.passwordHash) ? null : item.password,
      isActive: item.isActive ?? null,
      spamFilter: item.spamFilter === undefined ? null : SpamFilter[item.spamFilter],
      customSieve: item.customSieve === undefined || item.customSieve === (mailbox.customSieve ?? '') ? null : item.customSieve,
    });
  },
  async remove({ uc }, mailbox) {
    await deleteMailbox(uc, toGlobalId('Mailbox', mailbox.id));
  },
};
