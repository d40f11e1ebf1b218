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
export async function mailHostSpec(lan: DnsLan, name: string, options: { mailman?: boolean } = {}): Promise<{ name: string } & SshHostOptions> {
  // Mailman's state, logs and pid file start empty, owned by its user (Debian's `list`): each host's Mailman is new.
  const mailman = options.mailman ? ['/var/lib/mailman3', '/var/log/mailman3', '/run/mailman3'].map((path) => ({ path, owner: 'list:list' })) : [];
  return {
    name,
    address: await lan.newAddress(),
    networkOf: lan.pid,
    privateDirs: ['/var/spool/postfix', '/var/lib/postfix', '/var/lib/dovecot', '/var/log'],
    emptyDirs: [{ path: '/run/dovecot' }, ...mailman],
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

export interface Mailman {
  /** A request to Mailman's REST API on the host (form fields), with the credentials of its mailman.cfg. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Mailman's JSON, read field by field by the tests
  api(method: string, path: string, fields?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Mailman's own log. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** The REST request, inside the host: credentials read from its mailman.cfg, given to curl in a file. */
const MAILMAN_API = `set -e
cfg=/etc/mailman3/mailman.cfg
conf=$(mktemp); trap 'rm -f "$conf"' EXIT
printf 'user = "%s:%s"\\n' "$(sed -n 's/^admin_user: *//p' "$cfg")" "$(sed -n 's/^admin_pass: *//p' "$cfg")" > "$conf"
method=$1 path=$2; shift 2
args=()
for field in "$@"; do args+=(--data-urlencode "$field"); done
curl -sS --max-time 60 -K "$conf" -X "$method" -w '\\n%{http_code}' "\${args[@]}" "http://localhost:8001/3.1$path"
`;

/**
 * Mailman 3 (Debian's mailman3) on a mail host made with `mailHostSpec(…, { mailman: true })`: its master in the
 * foreground as its user, without systemd, until its REST API answers (its first start creates its database: a
 * minute or more on a busy machine, hence the generous deadline). Its LMTP listens on 127.0.0.1:8024 and it sends
 * through the host's Postfix on port 25, as Debian configures it.
 */
export async function startMailman(host: SshHost): Promise<Mailman> {
  const lines: string[] = [];
  const master = foreground(host, ['runuser', '-u', 'list', '--', '/usr/lib/mailman3/bin/master', '--force', '-C', '/etc/mailman3/mailman.cfg'], lines);
  const api: Mailman['api'] = async (method, path, fields = {}) => {
    const args = Object.entries(fields).map(([k, v]) => `${k}=${v}`);
    const { stdout } = await host.sandbox.exec(['bash', '-c', MAILMAN_API, '-', method, path, ...args]);
    const at = stdout.lastIndexOf('\n');
    const text = stdout.slice(0, at);
    return { status: Number(stdout.slice(at + 1)), body: text.startsWith('{') ? JSON.parse(text) : text };
  };
  const log = async () => (await host.sandbox.exec(['bash', '-c', 'cat /var/log/mailman3/*.log 2>/dev/null; true'])).stdout;
  const deadline = Date.now() + 300_000;
  for (;;) {
    const up = await api('GET', '/system/versions').then((r) => r.status === 200, () => false);
    if (up) break;
    if (master.exitCode !== null || Date.now() > deadline) throw new Error(`Mailman on ${host.name} did not start:\n${lines.slice(-20).join('\n')}\n${await log()}`);
    await sleep(1000);
  }
  return {
    api,
    log,
    async stop() {
      await stopChild(master);
    },
  };
}
