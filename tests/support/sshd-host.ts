import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ServerEndpoint } from '../../src/orchestration/types.js';
import { HostSandbox, type HostSandboxOptions } from './host-sandbox.js';

const execFileAsync = promisify(execFile);

const SSHD = '/usr/sbin/sshd';

/**
 * A managed server for tests: a real OpenSSH `sshd` running inside a HostSandbox (own /etc, /home, /root…, own
 * hostname), listening on a free 127.0.0.1 port, with its own ed25519 host key. Root logs in with the test client
 * key only (as Orchestra's panel key does in production).
 */
export interface SshHost {
  readonly name: string;
  readonly port: number;
  /** The server as Orchestra stores it: user root, host key pinned to the current key. */
  readonly endpoint: ServerEndpoint;
  /** Current host key, `SHA256:…` exactly as `ssh-keygen -lf` prints it. */
  readonly hostKeyFingerprint: string;
  /** The test client's private key (authorised for root on every test host). */
  readonly privateKeyPath: string;
  readonly sandbox: HostSandbox;
  /** Stops sshd and every session it started (like a crashed or rebooting server: live connections drop). */
  stopSshd(): Promise<void>;
  /** Starts sshd again on the same port with the same host key. */
  startSshd(): Promise<void>;
  /**
   * Replaces the host key with a new one and restarts sshd; returns the new fingerprint. Open connections end (as in
   * a reboot), unless `keepConnections`: then they go on with the old key.
   */
  rotateHostKey(opts?: { keepConnections?: boolean }): Promise<string>;
  /** The listening sshd's pid (null while stopped). */
  readonly sshdPid: number | null;
  /** The per-connection sshd processes and everything they run (for tests that freeze or count sessions). */
  sessionPids(): number[];
  /** The last lines sshd logged (for failure messages). */
  log(): string;
  close(): Promise<void>;
}

// --- the test client key ------------------------------------------------------------------------------------------
// Generated once and shared by every host open at the same time (a test file's hosts); removed when the last of them
// closes. Jest's workers do not reliably run process 'exit' handlers, so cleanup cannot wait for the process to end.

let clientKey: Promise<{ dir: string; privateKeyPath: string; publicKey: string }> | undefined;
let openHosts = 0;

export function testClientKey(): Promise<{ privateKeyPath: string; publicKey: string }> {
  clientKey ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-ssh-client-'));
    const privateKeyPath = join(dir, 'id_ed25519');
    await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'orchestra-test', '-f', privateKeyPath]);
    return { dir, privateKeyPath, publicKey: readFileSync(`${privateKeyPath}.pub`, 'utf8') };
  })();
  return clientKey;
}

async function releaseClientKey(): Promise<void> {
  if (--openHosts > 0 || !clientKey) return;
  const { dir } = await clientKey;
  clientKey = undefined;
  rmSync(dir, { recursive: true, force: true });
}

/** `SHA256:…` of a public key file, taken from `ssh-keygen -lf` so tests compare against OpenSSH itself. */
export async function opensshFingerprint(publicKeyPath: string): Promise<string> {
  const { stdout } = await execFileAsync('ssh-keygen', ['-l', '-f', publicKeyPath]);
  const fingerprint = stdout.split(' ')[1];
  if (!fingerprint?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -l output: ${stdout}`);
  return fingerprint;
}

// --- helpers ------------------------------------------------------------------------------------------------------

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function portAccepts(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** All descendants of `pid` (children first found via /proc, so the list is a snapshot). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 is the ppid; comm (field 2) may contain spaces, so parse after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // the process exited while we looked
    }
  }
  const found: number[] = [];
  const frontier = [pid];
  while (frontier.length > 0) {
    const parent = frontier.pop()!;
    for (const [child, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(child);
        frontier.push(child);
      }
    }
  }
  return found;
}

/** Running (a zombie counts as gone: it is dead, only waiting for init, which may take its time here, to reap it). */
export function processRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- the host -----------------------------------------------------------------------------------------------------

class SshdHost implements SshHost {
  private sshd: ChildProcess | null = null;
  private logLines: string[] = [];
  private fingerprint = '';
  private closed = false;

  constructor(
    readonly name: string,
    readonly sandbox: HostSandbox,
    readonly privateKeyPath: string,
    private readonly dir: string,
    public port: number,
    readonly address: string = '127.0.0.1',
  ) {}

  get hostKeyFingerprint(): string {
    return this.fingerprint;
  }

  get endpoint(): ServerEndpoint {
    return {
      id: `test-${this.name}`,
      name: this.name,
      address: this.address,
      port: this.port,
      user: 'root',
      hostKeyFingerprint: this.fingerprint,
    };
  }

  get sshdPid(): number | null {
    return this.sshd?.pid ?? null;
  }

  sessionPids(): number[] {
    return this.sshd ? descendants(this.sshd.pid!) : [];
  }

  private get hostKeyPath(): string {
    return join(this.dir, 'ssh_host_ed25519_key');
  }

  private get configPath(): string {
    return join(this.dir, 'sshd_config');
  }

  async generateHostKey(): Promise<void> {
    rmSync(this.hostKeyPath, { force: true });
    rmSync(`${this.hostKeyPath}.pub`, { force: true });
    await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `host-${this.name}`, '-f', this.hostKeyPath]);
    this.fingerprint = await opensshFingerprint(`${this.hostKeyPath}.pub`);
  }

  writeConfig(): void {
    const config = [
      `Port ${this.port}`,
      `ListenAddress ${this.address}`,
      `HostKey ${this.hostKeyPath}`,
      `PidFile ${join(this.dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(this.dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The sandbox dir lives under /tmp (world-writable parents): strict modes would refuse the key file.
      'StrictModes no',
      // The pool uses up to 8 script channels + 2 control channels per connection.
      'MaxSessions 16',
      // Benchmarks open many connections back to back; the default 10:30:100 starts dropping them.
      'MaxStartups 100:30:200',
      'UseDNS no',
      'PrintMotd no',
      'LogLevel INFO',
    ].join('\n');
    writeFileSync(this.configPath, `${config}\n`);
  }

  async startSshd(): Promise<void> {
    if (this.sshd) throw new Error(`sshd of ${this.name} is already running`);
    // sshd's privilege-separation directory. Debian's service unit creates it at boot; /run is not part of the
    // sandbox overlays, so this is the machine's /run (an empty root-owned directory, harmless).
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const child = spawn('nsenter', this.sandbox.enterArgs([SSHD, '-D', '-e', '-f', this.configPath]), {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.sshd = child;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.logLines.push(...chunk.split('\n').filter(Boolean));
      if (this.logLines.length > 200) this.logLines.splice(0, this.logLines.length - 200);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (await portAccepts(this.port, this.address)) return;
      const done = await Promise.race([exited, sleep(50).then(() => 'waiting' as const)]);
      if (done !== 'waiting') {
        this.sshd = null;
        throw new Error(`sshd of ${this.name} exited (${done}) on port ${this.port}:\n${this.log()}`);
      }
      if (Date.now() > deadline) {
        await this.stopSshd();
        throw new Error(`sshd of ${this.name} did not accept on port ${this.port} within 10 s:\n${this.log()}`);
      }
    }
  }

  async stopSshd(): Promise<void> {
    const child = this.sshd;
    if (!child) return;
    this.sshd = null;
    // nsenter execs sshd (no fork for mount/UTS namespaces), so child.pid is the listener. Its per-connection
    // processes and the scripts they run are its descendants: stop them too, as a crash or reboot would.
    const pid = child.pid!;
    const exited = child.exitCode === null && child.signalCode === null ? new Promise((r) => child.once('exit', r)) : null;
    const tree = descendants(pid);
    for (const p of [pid, ...tree]) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exited;
    for (let i = 0; i < 100 && tree.some(processRunning); i++) await sleep(20);
  }

  async rotateHostKey(opts: { keepConnections?: boolean } = {}): Promise<string> {
    if (opts.keepConnections) await this.stopListener();
    else await this.stopSshd();
    await this.generateHostKey();
    await this.startSshd();
    return this.fingerprint;
  }

  /**
   * Stops only the listening sshd: connections already open keep their own sshd processes and keep working, with the
   * key they were opened with (what `systemctl restart ssh` after a key change does on a real server).
   */
  private async stopListener(): Promise<void> {
    const child = this.sshd;
    if (!child) return;
    this.sshd = null;
    const exited = child.exitCode === null && child.signalCode === null ? new Promise((r) => child.once('exit', r)) : null;
    child.kill('SIGTERM');
    await exited;
  }

  log(): string {
    return this.logLines.slice(-30).join('\n');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stopSshd();
    await this.sandbox.stop();
    await releaseClientKey();
  }
}

export interface SshHostOptions {
  /** Where its sshd listens, and so its server's address. Default 127.0.0.1 (with `networkOf`, an address there). */
  address?: string;
  /** More directories private to the host (HostSandbox.start). */
  privateDirs?: readonly string[];
  /** Directories the host gets empty (HostSandbox.start): a database server's data, configuration, socket. */
  emptyDirs?: HostSandboxOptions['emptyDirs'];
  /**
   * The pid whose network namespace the host joins (./dns-lan.ts): the host has its `address` to itself there, so
   * its sshd listens on port 22 like a server's.
   */
  networkOf?: number;
}

/**
 * Starts a sandboxed host running sshd. Retries with another port if the picked one was taken between choosing it
 * and sshd binding it (other test workers pick ports too).
 */
export async function startSshHost(name: string, options: SshHostOptions = {}): Promise<SshHost> {
  openHosts++;
  let sandbox: HostSandbox | undefined;
  const address = options.address ?? '127.0.0.1';
  try {
    const { privateKeyPath, publicKey } = await testClientKey();
    sandbox = await HostSandbox.start(name, { privateDirs: options.privateDirs, emptyDirs: options.emptyDirs, networkOf: options.networkOf });
    const dir = join(sandbox.dir, 'sshd');
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(dir, 'authorized_keys'), publicKey);
    // /root is an overlay of this machine's /root, whose .bashrc (pyenv and friends) bash sources even for
    // `ssh host command`: ~150 ms of subprocesses per channel. A managed server is a plain Debian; give the host a
    // quiet one so tests and benchmarks measure SSH, not this machine's shell setup.
    await sandbox.exec(['bash', '-c', 'printf "# test host: nothing to set up\\n" > /root/.bashrc; rm -f /root/.profile /root/.bash_profile']);
    const host = new SshdHost(name, sandbox, privateKeyPath, dir, 0, address);
    await host.generateHostKey();
    for (let attempt = 1; ; attempt++) {
      host.port = options.networkOf ? 22 : await freePort(address);
      host.writeConfig();
      try {
        await host.startSshd();
        return host;
      } catch (err) {
        if (attempt >= 5) throw err;
      }
    }
  } catch (err) {
    await sandbox?.stop();
    await releaseClientKey();
    throw err;
  }
}
