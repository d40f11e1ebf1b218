/**
 * The mail monitors on the resources framework: `mailbox-disk` (bytes of each Maildir, `du`) and `mail-traffic`
 * (bytes delivered into each mailbox, a counter from Postfix's log that survives its rotation), on the servers the
 * `dovecot-mailboxes` routes select. Their bash is the mail issue's (../../../orchestration/monitors/mail/), which
 * prints `<mailbox name> <value>`; `print_by_id` turns the names of this run's mailboxes into their ids.
 */
import { Mailbox } from '../../../entities/mail/mailbox.js';
import { mailSettings } from '../../../config/mail-settings.js';
import { MAILBOX_DELIVERY_DOMAIN } from '../../../orchestration/backends/mail/mail-names.js';
import type { MailboxSource } from '../../../orchestration/backends/dovecot-mailboxes/dovecot-mailboxes.backend.js';
import { MAIL_LOG, MAIL_TRAFFIC_STATE } from '../../../orchestration/monitors/mail/mail-monitors.js';
import { ShellCode, joinShell, sh } from '../../../orchestration/shell/quote.js';
import { bashFragment } from '../../../orchestration/shell/fragment.js';
import type { Monitor, MonitorTarget } from '../monitor.js';

const MAILBOX_DISK = bashFragment(new URL('../../../orchestration/monitors/mail/mailbox-disk.sh', import.meta.url));
const MAIL_TRAFFIC = bashFragment(new URL('../../../orchestration/monitors/mail/mail-traffic.sh', import.meta.url));
const BY_ID = bashFragment(new URL('../../../orchestration/monitors/mail/by-id.sh', import.meta.url));

type Target = MonitorTarget<{ name: string }>;

/** Mailboxes by id (all, or these), with what the dovecot-mailboxes routes match on: one query. */
async function mailboxTargets(em: Parameters<Monitor['targets']>[0], objectIds?: readonly string[]): Promise<Target[]> {
  const mailboxes = await em.find(Mailbox, objectIds ? { id: { $in: [...objectIds] } } : {}, { populate: ['account'], filters: false, orderBy: { id: 'asc' } });
  const settings = mailSettings();
  return mailboxes.map((mailbox) => {
    const account = mailbox.account.getEntity();
    // The quota does not place a mailbox: the configured default stands in for it (routes match names and states).
    const routeSource: MailboxSource = {
      name: mailbox.name, passwordHash: mailbox.passwordHash, isActive: mailbox.isActive, quotaBytes: settings.defaultQuotaBytes, spamFilter: mailbox.spamFilter,
      customSieve: mailbox.customSieve, trashDir: settings.trashDir, account: { username: account.username, isActive: account.isActive, type: account.type },
    };
    return { objectId: mailbox.id, accountId: account.id, routeSource, data: { name: mailbox.name } };
  });
}

const pairs = (targets: readonly Target[]) => targets.flatMap((t) => [t.data.name, t.objectId]);

export const mailboxDiskMonitor: Monitor<{ name: string }> = {
  name: 'mailbox-disk',
  description: 'Bytes in each mailbox\'s Maildir (du of the files\' apparent sizes).',
  model: 'Mailbox',
  backend: 'dovecot-mailboxes',
  kind: 'disk',
  counter: false,
  timeoutMs: 30 * 60_000,
  targets: mailboxTargets,
  body(targets) {
    return joinShell([MAILBOX_DISK, BY_ID, ShellCode.empty, sh`mailbox_disk | print_by_id ${pairs(targets)}`], '\n');
  },
};

export const mailTrafficMonitor: Monitor<{ name: string }> = {
  name: 'mail-traffic',
  description: 'Bytes of mail delivered into each mailbox (a counter read from Postfix\'s log, across its rotation).',
  model: 'Mailbox',
  backend: 'dovecot-mailboxes',
  kind: 'traffic',
  counter: true,
  timeoutMs: 30 * 60_000,
  targets: mailboxTargets,
  body(targets) {
    return joinShell([
      MAIL_TRAFFIC, BY_ID, ShellCode.empty,
      sh`mkdir -p -- ${MAIL_TRAFFIC_STATE.slice(0, MAIL_TRAFFIC_STATE.lastIndexOf('/'))}`,
      sh`mail_traffic ${MAIL_LOG} ${MAIL_TRAFFIC_STATE} ${MAILBOX_DELIVERY_DOMAIN} | print_by_id ${pairs(targets)}`,
    ], '\n');
  },
};
