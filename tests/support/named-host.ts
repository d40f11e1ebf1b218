import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import type { DnsLan } from './dns-lan.js';
import type { SshHost, SshHostOptions } from './sshd-host.js';

const execFileAsync = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A test host that runs a real `named` (Debian's bind9), as a DNS server is in production: on its own address, port
 * 53, with the configuration Debian installs (/etc/bind/named.conf, which includes named.conf.local, where
 * Orchestra's scripts add their include) and `rndc` with Debian's key. There is no systemd: named runs in the
 * foreground inside the host's namespaces, started and stopped by its pid.
 *
 * Each DNS host has an address of its own on a network the test makes (./dns-lan.ts), where its sshd listens too:
 * that address is its Server's address in Orchestra, so the backends learn the masters' and slaves' DNS addresses
 * from the routes' servers, as in production. named's own state (/var/cache/bind, /var/lib/bind) is private to the
 * host, like /etc.
 */
export async function dnsHostSpec(lan: DnsLan, name: string): Promise<{ name: string } & SshHostOptions> {
  return { name, address: await lan.newAddress(), networkOf: lan.pid, privateDirs: ['/var/cache/bind', '/var/lib/bind'] };
}

export interface NamedDaemon {
  readonly address: string;
  /** `dig @address name type +short`, one answer per line, sorted. */
  dig(name: string, type: string): Promise<string[]>;
  /** The serial the server answers for a zone (null when it does not serve it). */
  serial(zone: string): Promise<number | null>;
  /** The answer's status (NOERROR, NXDOMAIN, REFUSED…). */
  status(name: string, type: string): Promise<string>;
  /** named's recent log lines (stderr), for failure messages and for counting reloads. */
  log(): string;
  stop(): Promise<void>;
}

function options(address: string): string {
  return `// Test host: named on its own loopback address (tests/support/named-host.ts).
include "/etc/bind/rndc.key";
options {
	directory "/var/cache/bind";
	pid-file "/var/cache/bind/named.pid";
	session-keyfile "/var/cache/bind/session.key";
	listen-on port 53 { ${address}; };
	listen-on-v6 { none; };
	recursion no;
	dnssec-validation no;
	notify-source ${address};
	transfer-source ${address};
	query-source address ${address};
};
controls { inet ${address} port 953 allow { ${address}; } keys { "rndc-key"; }; };
`;
}

function rndcConf(address: string): string {
  return `include "/etc/bind/rndc.key";
options { default-key "rndc-key"; default-server ${address}; default-port 953; default-source-address ${address}; };
`;
}

export async function startNamed(host: SshHost): Promise<NamedDaemon> {
  const address = host.endpoint.address;
  await host.sandbox.exec(['bash', '-c', 'cat > /etc/bind/named.conf.options'], options(address));
  await host.sandbox.exec(['bash', '-c', 'cat > /etc/bind/rndc.conf'], rndcConf(address));
  // The private copies start as root's 0755 directories (the overlays' upper layers); Debian's are root:bind 0775.
  await host.sandbox.exec(['bash', '-c', 'chown root:bind /var/cache/bind /var/lib/bind && chmod 775 /var/cache/bind /var/lib/bind']);
  const lines: string[] = [];
  const child: ChildProcess = spawn('nsenter', host.sandbox.enterArgs(['/usr/sbin/named', '-g', '-u', 'bind', '-c', '/etc/bind/named.conf']), { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    lines.push(...chunk.split('\n').filter(Boolean));
    if (lines.length > 2000) lines.splice(0, lines.length - 2000);
  });
  const log = () => lines.slice(-60).join('\n');
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`named on ${host.name} exited (${child.exitCode}):\n${log()}`);
    const ready = await host.sandbox.exec(['rndc', 'status']).then(() => true, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`named on ${host.name} did not answer rndc within 30 s:\n${log()}`);
    await sleep(200);
  }
  const dig = async (name: string, type: string, extra: string[] = ['+short']) => {
    const { stdout } = await execFileAsync('dig', [`@${address}`, '-p', '53', '+norecurse', '+time=2', '+tries=2', ...extra, name, type]);
    return stdout;
  };
  return {
    address,
    async dig(name, type) {
      return (await dig(name, type))
        .split('\n')
        .filter((l) => l.trim() !== '')
        .sort();
    },
    async serial(zone) {
      const out = await dig(zone, 'SOA', ['+noall', '+answer']);
      const soa = out.split('\n').find((l) => /\sIN\s+SOA\s/.test(l));
      return soa ? Number(soa.trim().split(/\s+/)[6]) : null;
    },
    async status(name, type) {
      const out = await dig(name, type, ['+noall', '+comments']);
      return /status: ([A-Z]+)/.exec(out)?.[1] ?? 'NONE';
    },
    log: () => lines.join('\n'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
