import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DnsLan } from './dns-lan.js';

const execFileAsync = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Debian's pebble (a real ACME CA for tests) on a test LAN (./dns-lan.ts), with pebble-challtestsrv as its DNS server:
 * every name resolves to `webAddress` (or to the address `resolve` gives it), so pebble's HTTP-01 validation really
 * fetches the token from that host's nginx on port 80 (pebble's httpPort). Debian ships no configuration: the listener's CA and certificate are
 * made here with openssl, thrown away at `stop`. Pebble keeps no state and makes new issuing keys at every start.
 */
export class Pebble {
  private constructor(
    private readonly dir: string,
    private readonly children: ChildProcess[],
    private readonly lines: string[],
    /** The ACME directory, as the servers ask for it. */
    readonly directoryUrl: string,
    /** The CA that signed pebble's own listener (the servers' ORCHESTRA_ACME_CA_FILE content). */
    readonly listenerCa: string,
    private readonly managementUrl: string,
    private readonly challtestsrvUrl: string,
  ) {}

  /**
   * `validitySeconds`: how long the certificates it issues are valid (pebble's certificateValidityPeriod);
   * `httpPort`: where it fetches HTTP-01 tokens (80, the web host's nginx; another port makes validation fail).
   * Validation is always on (no PEBBLE_VA_ALWAYS_VALID): a site on several servers is validated through the one its
   * name resolves to (src/orchestration/backends/web/acme-peers.ts).
   */
  static async start(lan: DnsLan, webAddress: string, opts: { validitySeconds?: number; httpPort?: number } = {}): Promise<Pebble> {
    const { validitySeconds, httpPort = 80 } = opts;
    const address = await lan.newAddress();
    const dir = await mkdtemp(join(tmpdir(), 'orchestra-pebble-'));
    const openssl = (...args: string[]) => execFileAsync('openssl', args);
    await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Orchestra test pebble listener CA', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'));
    await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${address}`, '-keyout', join(dir, 'pebble.key'), '-out', join(dir, 'pebble.csr'));
    await writeFile(join(dir, 'ext'), `subjectAltName=IP:${address}\n`);
    await openssl('x509', '-req', '-in', join(dir, 'pebble.csr'), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-days', '2', '-extfile', join(dir, 'ext'), '-out', join(dir, 'pebble.pem'));
    const config = {
      pebble: {
        listenAddress: `${address}:14000`,
        managementListenAddress: `${address}:15000`,
        certificate: join(dir, 'pebble.pem'),
        privateKey: join(dir, 'pebble.key'),
        httpPort,
        tlsPort: 443,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
        ...(validitySeconds ? { certificateValidityPeriod: validitySeconds } : {}),
      },
    };
    await writeFile(join(dir, 'pebble.json'), JSON.stringify(config));
    const lines: string[] = [];
    const inLan = (command: string[], env: Record<string, string> = {}) => {
      const child = spawn('nsenter', ['-t', String(lan.pid), '-n', '--', ...command], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
      for (const stream of [child.stdout!, child.stderr!]) {
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
      }
      return child;
    };
    const dns = inLan(['pebble-challtestsrv', '-defaultIPv4', webAddress, '-defaultIPv6', '', '-dns01', `${address}:8053`, '-http01', '', '-https01', '', '-tlsalpn01', '', '-management', `${address}:8055`]);
    // PEBBLE_VA_NOSLEEP: no random wait before validating. Pebble's default 5 % of refused nonces stays: the client
    // must retry those, as RFC 8555 asks.
    const pebble = inLan(['pebble', '-config', join(dir, 'pebble.json'), '-dnsserver', `${address}:8053`], { PEBBLE_VA_NOSLEEP: '1' });
    const p = new Pebble(dir, [dns, pebble], lines, `https://${address}:14000/dir`, await readFile(join(dir, 'ca.pem'), 'utf8'), `https://${address}:15000`, `http://${address}:8055`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const up = await p.curl(p.directoryUrl).then(() => true, () => false);
      if (up) return p;
      if (pebble.exitCode !== null || dns.exitCode !== null || Date.now() > deadline) {
        await p.stop();
        throw new Error(`pebble did not start:\n${lines.slice(-30).join('\n')}`);
      }
      await sleep(200);
    }
  }

  private async curl(url: string): Promise<string> {
    const { stdout } = await execFileAsync('curl', ['-sSf', '--max-time', '20', '--cacert', join(this.dir, 'ca.pem'), url]);
    return stdout;
  }

  /** The root that signs the certificates this pebble issues (from its management API). */
  async issuingRoot(): Promise<string> {
    return this.curl(`${this.managementUrl}/roots/0`);
  }

  /** Makes its DNS answer `address` for `name` (every other name still resolves to the web host's address). */
  async resolve(name: string, address: string): Promise<void> {
    await execFileAsync('curl', ['-sSf', '--max-time', '20', '-d', JSON.stringify({ host: `${name}.`, addresses: [address] }), `${this.challtestsrvUrl}/add-a`]);
  }

  log(): string {
    return this.lines.join('\n');
  }

  async stop(): Promise<void> {
    for (const child of this.children) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
