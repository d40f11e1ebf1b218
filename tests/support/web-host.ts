import { spawn, type ChildProcess } from 'node:child_process';
import type { DnsLan } from './dns-lan.js';
import type { SshHost, SshHostOptions } from './sshd-host.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HEADERS = '--- response headers ---';

/**
 * A test host that runs a real nginx or Apache and PHP-FPM 8.2 (Debian's packages) as a web server is in production:
 * the web server on ports 80 and 443 of the host's own network namespace (./dns-lan.ts: its sshd on 22 of its LAN address), PHP-FPM
 * with Debian's configuration. No systemd: `nginx -g 'daemon off;'` and `php-fpm8.2 -F` run in the foreground inside
 * the host (Apache: `apache2 -DFOREGROUND`); the backends reload them by their pid files (`nginx -s reload`,
 * `apache2ctl graceful`, SIGUSR2), as on a server without systemd.
 * Test-only: nginx's pid file moves to a private /run/nginx (this machine's /run is shared).
 */
export async function webHostSpec(lan: DnsLan, name: string): Promise<{ name: string } & SshHostOptions> {
  return {
    name,
    address: await lan.newAddress(),
    networkOf: lan.pid,
    // /var/lib/apache2: a2enmod's markers (hosts enabling a module at the same time raced on this machine's copy).
    privateDirs: ['/var/log', '/var/lib/nginx', '/var/lib/php', '/var/www', '/var/lib/apache2'],
    emptyDirs: [{ path: '/run/nginx' }, { path: '/run/php' }, { path: '/run/apache2' }, { path: '/run/lock/apache2' }],
  };
}

const PREPARE = `set -e
sed -i 's|^pid .*|pid /run/nginx/nginx.pid;|' /etc/nginx/nginx.conf
mkdir -p /var/log/nginx /var/log/apache2
`;

export interface HttpAnswer {
  status: number;
  body: string;
  headers: string;
}

export interface WebDaemons {
  /** A request from inside the host to its own web server for `host` (curl, `--resolve` to 127.0.0.1 or the host's own address; https not verified unless `cacert`). */
  get(url: string, opts?: { cacert?: string }): Promise<HttpAnswer>;
  /** Polls until `check` holds for the answer to `url` (generous deadline); returns that answer. */
  waitFor(url: string, check: (a: HttpAnswer) => boolean, what: string): Promise<HttpAnswer>;
  /** How many times the web server re-read its configuration (from its error log). */
  reloads(): Promise<number>;
  nginxLog(): string;
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

const CURL = `url=$1 cacert=$2 address=$3
hostport=\${url#*://}; hostport=\${hostport%%/*}; host=\${hostport%%:*}
case $url in https:*) port=443 ;; *) port=80 ;; esac
headers=$(mktemp)
args=(-sS --max-time 20 -D "$headers" -o - -w '\\n%{http_code}' --resolve "$host:$port:$address")
if [ -n "$cacert" ]; then args+=(--cacert "$cacert"); else args+=(-k); fi
rc=0
curl "\${args[@]}" "$url" || rc=$?
printf '\\n${HEADERS}\\n'
cat "$headers"
rm -f "$headers"
exit "$rc"`;

/**
 * nginx (the default) or Apache, each in the foreground; with PHP-FPM. `ownAddress` (Apache only): Apache listens on
 * the host's LAN address only (Debian's ports.conf edited), not on every address of the network namespace the LAN's
 * hosts share, so that several web hosts can run on one LAN; requests then go to that address.
 */
export async function startWebDaemons(host: SshHost, server: 'nginx' | 'apache' = 'nginx', opts: { ownAddress?: boolean } = {}): Promise<WebDaemons> {
  await host.sandbox.exec(['bash', '-c', PREPARE]);
  const address = opts.ownAddress ? host.endpoint.address : '127.0.0.1';
  if (opts.ownAddress) {
    if (server !== 'apache') throw new Error('ownAddress: Apache only (nginx listens on every address of a site\'s port)');
    await host.sandbox.exec(['sed', '-i', '-E', `s/^([[:space:]]*Listen) (80|443)$/\\1 ${address}:\\2/`, '/etc/apache2/ports.conf']);
  }
  const nginxLines: string[] = [];
  const fpmLines: string[] = [];
  const command = server === 'nginx' ? ['nginx', '-g', 'daemon off; error_log stderr notice;'] : ['bash', '-c', '. /etc/apache2/envvars && exec apache2 -DFOREGROUND -e info -E /dev/stderr'];
  const nginx = foreground(host, command, nginxLines);
  const fpm = foreground(host, ['php-fpm8.2', '-F'], fpmLines);
  const pidFile = server === 'nginx' ? '/run/nginx/nginx.pid' : '/run/apache2/apache2.pid';
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await host.sandbox.exec(['bash', '-c', `test -s ${pidFile} && test -s /run/php/php8.2-fpm.pid && exec 3<>/dev/tcp/${address}/80`]).then(() => true, () => false);
    if (ready) break;
    if (nginx.exitCode !== null || fpm.exitCode !== null || Date.now() > deadline) {
      throw new Error(`web daemons on ${host.name} did not start:\n${nginxLines.slice(-20).join('\n')}\n${fpmLines.slice(-20).join('\n')}`);
    }
    await sleep(200);
  }
  const get = async (url: string, opts: { cacert?: string } = {}): Promise<HttpAnswer> => {
    const { stdout } = await host.sandbox.exec(['bash', '-c', CURL, '-', url, opts.cacert ?? '', address]);
    const [answer, headers] = [stdout.slice(0, stdout.lastIndexOf(`\n${HEADERS}\n`)), stdout.slice(stdout.lastIndexOf(`\n${HEADERS}\n`) + HEADERS.length + 2)];
    const cut = answer.lastIndexOf('\n');
    return { status: Number(answer.slice(cut + 1)), body: answer.slice(0, cut).replace(/\n$/, ''), headers };
  };
  return {
    get,
    async waitFor(url, check, what) {
      const until = Date.now() + 60_000;
      let last: HttpAnswer | Error | undefined;
      for (;;) {
        last = await get(url).catch((err: Error) => err);
        if (!(last instanceof Error) && check(last)) return last;
        if (Date.now() > until) throw new Error(`${url}: not ${what} after 60 s: ${last instanceof Error ? last.message : `${last.status} ${last.body.slice(0, 500)}`}\n${nginxLines.slice(-20).join('\n')}`);
        await sleep(250);
      }
    },
    async reloads() {
      if (server === 'nginx') return nginxLines.filter((l) => l.includes('signal 1 (SIGHUP) received')).length;
      // mpm_event's notice at each graceful restart (AH00493), logged whatever the LogLevel.
      const { stdout } = await host.sandbox.exec(['bash', '-c', 'grep -c "SIGUSR1 received.  Doing graceful restart" /var/log/apache2/error.log || true']);
      return Number(stdout.trim());
    },
    nginxLog: () => nginxLines.join('\n'),
    async stop() {
      await stopChild(nginx);
      await stopChild(fpm);
    },
  };
}
