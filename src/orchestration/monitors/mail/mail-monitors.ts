/**
 * The mail monitors' scripts, for the resources framework to run on the mail servers (it plugs them in; until then
 * tests/mail-servers.test.ts runs them on a real host). Each prints one line per mailbox, `<mailbox name> <value>`:
 *
 * - `mailboxDiskScript`: bytes of each mailbox's Maildir (`du`), a gauge.
 * - `mailTrafficScript`: bytes of mail delivered into each mailbox this month, from Postfix's log: a counter kept in
 *   a state file on the server, which survives log rotation (./mail-traffic.sh).
 *
 * The mailbox name is the mailbox's identity on the servers (unique, never renamed).
 */
import { scriptHead } from '../../backends/backend.js';
import { MAILBOX_DELIVERY_DOMAIN } from '../../backends/mail/mail-names.js';
import { bashFragment } from '../../shell/fragment.js';
import { ShellCode, joinShell, sh } from '../../shell/quote.js';

const END = ShellCode.trusted('exit "$exit_code"');

const MAILBOX_DISK = bashFragment(new URL('./mailbox-disk.sh', import.meta.url));
const MAIL_TRAFFIC = bashFragment(new URL('./mail-traffic.sh', import.meta.url));

export const MAIL_LOG = '/var/log/mail.log';
export const MAIL_TRAFFIC_STATE = '/var/lib/orchestra/monitors/mail-traffic.state';

export function mailboxDiskScript(): string {
  return `${joinShell([scriptHead('Orchestra monitor: mailbox disk (bytes of each Maildir).'), MAILBOX_DISK, sh`mailbox_disk`, END]).text}\n`;
}

export function mailTrafficScript(log = MAIL_LOG, state = MAIL_TRAFFIC_STATE): string {
  return `${joinShell([
    scriptHead('Orchestra monitor: mail traffic (bytes delivered into each mailbox this month, from the Postfix log).'),
    MAIL_TRAFFIC,
    sh`mkdir -p -- ${state.slice(0, state.lastIndexOf('/'))}`,
    sh`mail_traffic ${log} ${state} ${MAILBOX_DELIVERY_DOMAIN}`,
    END,
  ]).text}\n`;
}
