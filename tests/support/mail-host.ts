import { spawn, type ChildProcess } from 'node:child_process';
import type { DnsLan } from './dns-lan.js';
import type { SshHost, SshHostOptions } from './sshd-host.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A test host that runs a real Postfix and Dovecot (Debian's packages), as a mail server is in production: Postfix
 * on port 25 and Dovecot's IMAP on 143 of the host's own loopback, Dovecot's LMTP on its socket in Postfix's
 * queue directory. The host has its own network namespace (./dns-lan.ts: one LAN per mail host, so ports 25 and 143
 * are its own), where its sshd listens on 22 on its LAN address (its Server's address in Orchestra). No systemd:
 * `postfix start-fg` and `dovecot -F` run in the foreground inside the host, started and stopped by their pids.
 *
 * What a mail server's operator sets up once is done here too; everything else (Orchestra's Dovecot configuration,
 * main.cf's maps, the vmail user) is the backends' work. Test-only: no chroot (Debian's init script would copy
 * /etc files into the chroot), Postfix logs to /var/log/mail.log itself (no syslog in a sandbox), Dovecot without
 * TLS and with its log on stderr.
 */
export async function mailHostSpec(lan: DnsLan, name: string): Promise<{ name: string } & SshHostOptions> {
  return {
    name,
    address: await lan.newAddress(),
    networkOf: lan.pid,
    privateDirs: ['/var/spool/postfix', '/var/lib/postfix', '/var/lib/dovecot', '/var/log'],
    emptyDirs: [{ path: '/run/dovecot' }],
  };
}

const PREPARE = `set -e
postconf -F '*/*/chroot = n'
postconf -e 'maillog_file = /var/log/mail.log' 'inet_interfaces = loopback-only' 'inet_protocols = ipv4' "myhostname = $(hostname).test" 'mydestination = localhost'
chown postfix:postfix /var/lib/postfix
: > /var/log/mail.log
newaliases
printf 'ssl = no\\nlog_path = /dev/stderr\\nlisten = 127.0.0.1\\nauth_verbose = yes\\n' > /etc/dovecot/local.conf
`;

export interface MailDaemons {
  /** Sends a message over SMTP to the host's Postfix (port 25 of its loopback) with swaks; returns swaks's output. */
  send(opts: { from: string; to: string; subject?: string; body?: string; headers?: string[] }): Promise<string>;
  /** The files of a mailbox's Maildir folder (`''` the inbox, or `.Folder`), new and cur. */
  messages(mailbox: string, folder?: string): Promise<string[]>;
  /** Polls until the folder has `count` messages (generous deadline); returns their contents. */
  waitForMessages(mailbox: string, count: number, folder?: string): Promise<string[]>;
  /** An IMAP login with curl (the password through a netrc file, never argv): true when Dovecot accepts it. */
  imapLogin(user: string, password: string): Promise<boolean>;
  /** Postfix's log. */
  mailLog(): Promise<string>;
  /** Dovecot's log (its last 2,000 lines). */
  dovecotLog(): string;
  stop(): Promise<void>;
}

function foreground(host: SshHost, command: string[], lines: string[]): ChildProcess {
  const child = spawn('nsenter', host.sandbox.enterArgs(command), { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      lines.push(...chunk.split('\n').filter(Boolean));
      if (lines.length > 2000) lines.splice(0, lines.length - 2000);
    });
  }
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timeout);
}

export async function startMailDaemons(host: SshHost): Promise<MailDaemons> {
  await host.sandbox.exec(['bash', '-c', PREPARE]);
  const dovecotLines: string[] = [];
  const postfixLines: string[] = [];
  const dovecot = foreground(host, ['dovecot', '-F'], dovecotLines);
  const postfix = foreground(host, ['postfix', 'start-fg'], postfixLines);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await host.sandbox.exec(['bash', '-c', 'doveadm service status >/dev/null && postfix status 2>/dev/null && exec 3<>/dev/tcp/127.0.0.1/25']).then(() => true, () => false);
    if (ready) break;
    if (dovecot.exitCode !== null || postfix.exitCode !== null || Date.now() > deadline) {
      throw new Error(`mail daemons on ${host.name} did not start:\n${dovecotLines.slice(-20).join('\n')}\n${postfixLines.slice(-20).join('\n')}`);
    }
    await sleep(200);
  }
  const messages = async (mailbox: string, folder = '') => {
    const dir = `/var/mail/orchestra/${mailbox}/Maildir/${folder}`;
    const { stdout } = await host.sandbox.exec(['bash', '-c', 'for d in "$1/new" "$1/cur"; do [ -d "$d" ] && find "$d" -type f; done; true', '-', dir]);
    return stdout.split('\n').filter(Boolean).sort();
  };
  return {
    async send({ from, to, subject = 'test', body = 'hello', headers = [] }) {
      const args = ['swaks', '--server', '127.0.0.1', '--port', '25', '--from', from, '--to', to, '--header', `Subject: ${subject}`, '--body', body];
      for (const h of headers) args.push('--add-header', h);
      return (await host.sandbox.exec(args)).stdout;
    },
    messages,
    async waitForMessages(mailbox, count, folder = '') {
      const until = Date.now() + 60_000;
      for (;;) {
        const files = await messages(mailbox, folder);
        if (files.length >= count) {
          const contents: string[] = [];
          for (const f of files) contents.push((await host.sandbox.exec(['cat', '--', f])).stdout);
          return contents;
        }
        if (Date.now() > until) {
          throw new Error(`${mailbox}/${folder}: ${files.length} of ${count} messages after 60 s\n${(await host.sandbox.exec(['bash', '-c', 'tail -n 40 /var/log/mail.log; postqueue -p'])).stdout}\n${dovecotLines.slice(-20).join('\n')}`);
        }
        await sleep(250);
      }
    },
    async imapLogin(user, password) {
      const script = 'netrc=$(mktemp); printf "machine 127.0.0.1 login %s password %s\\n" "$1" "$2" > "$netrc"; curl -sS --max-time 20 --netrc-file "$netrc" "imap://127.0.0.1/" -X "LIST \\"\\" INBOX" >/dev/null; rc=$?; rm -f "$netrc"; exit $rc';
      return host.sandbox.exec(['bash', '-c', script, '-', user, password]).then(() => true, () => false);
    },
    async mailLog() {
      return (await host.sandbox.exec(['cat', '/var/log/mail.log'])).stdout;
    },
    dovecotLog: () => dovecotLines.join('\n'),
    async stop() {
      await host.sandbox.exec(['postfix', 'stop']).catch(() => undefined);
      await stopChild(postfix);
      await stopChild(dovecot);
    },
  };
}
