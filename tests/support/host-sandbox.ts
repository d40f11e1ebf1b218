import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Directories each sandboxed host gets a private, writable copy of (overlayfs over the real ones). */
const PRIVATE_DIRS = ['/etc', '/home', '/var/spool/cron', '/var/mail', '/root', '/var/lib/orchestra', '/usr/local/sbin'];

/**
 * A "host" for tests on this one machine: a mount namespace (and UTS namespace, for its own hostname) in which
 * /etc, /home, /var/spool/cron, /var/mail, /root, /var/lib/orchestra and /usr/local/sbin are overlays (the last so a
 * test can put a failing command first on PATH). `useradd`, `crontab -u` and friends run for real
 * inside it and change only its copies, so several hosts can coexist and the machine itself stays clean.
 * Needs root (tests run as root here and in CI).
 */
/** What a test host has of its own beyond the defaults (see HostSandbox.start). */
export interface HostSandboxOptions {
  privateDirs?: readonly string[];
  emptyDirs?: readonly { path: string; owner?: string }[];
  networkOf?: number;
}

/**
 * The hosts share this machine's process table, so a uid means the same processes in all of them: with every host
 * numbering its users from 1000, deleting one host's user 1001 killed (pkill -U) and was refused by (userdel:
 * "currently used by process") another host's user 1001 — a PHP pool, a supervised program, a cron job of another
 * test file running at the same time. Each host numbers its users from a range of its own (a random one of 20,000
 * blocks of 1,000, far above real accounts); system accounts keep the machine's range below 1000.
 */
function ownUserIds(): string {
  const min = 100_000 + randomInt(20_000) * 1_000;
  const settings = `UID_MIN ${min}\nUID_MAX ${min + 999}\nGID_MIN ${min}\nGID_MAX ${min + 999}\nSYS_UID_MAX 999\nSYS_GID_MAX 999`;
  return `sed -i -E '/^[[:space:]]*#?[[:space:]]*(UID_MIN|UID_MAX|GID_MIN|GID_MAX|SYS_UID_MAX|SYS_GID_MAX)[[:space:]]/d' /etc/login.defs && printf '${settings}\\n' >>/etc/login.defs`;
}

/** How long an exec waits, once its process exited, for the end of its output (a daemon it started may hold it). */
const OUTPUT_AFTER_EXIT_MS = 5_000;

export class HostSandbox {
  private constructor(
    readonly name: string,
    readonly dir: string,
    private readonly holder: ChildProcess,
    private readonly ownNetwork: boolean,
  ) {}

  /**
   * `privateDirs`: more directories to make private (a daemon's state, such as named's /var/lib/bind).
   * `emptyDirs`: directories this host gets EMPTY, private ones of (a bind mount of a fresh directory, mode 0755,
   * owned by `owner` when given): a database server's data, configuration and socket directories, so each host
   * initialises its own server from nothing, whatever this machine has there.
   * `networkOf`: the pid of a process whose network namespace the host joins (./dns-lan.ts), instead of this
   * machine's.
   */
  static async start(name: string, options: HostSandboxOptions = {}): Promise<HostSandbox> {
    const dir = mkdtempSync(join(tmpdir(), `host-${name}-`));
    const mounts = [...PRIVATE_DIRS, ...(options.privateDirs ?? [])].map((target, i) => {
      const upper = join(dir, `upper${i}`);
      const work = join(dir, `work${i}`);
      mkdirSync(upper);
      mkdirSync(work);
      mkdirSync(target, { recursive: true });
      return `mount -t overlay overlay -o lowerdir=${target},upperdir=${upper},workdir=${work} ${target}`;
    });
    const binds = (options.emptyDirs ?? []).flatMap(({ path, owner }, i) => {
      const source = join(dir, `empty${i}`);
      mkdirSync(source, { mode: 0o755 });
      return [`mkdir -p ${path}`, `mount --bind ${source} ${path}`, ...(owner ? [`chown ${owner} ${path}`] : [])];
    });
    // The holder keeps the namespaces alive; commands join them with nsenter. It exits when its stdin closes.
    const script = ['set -e', `hostname ${name}`, ...mounts, ...binds, ownUserIds(), 'echo ready', 'exec cat >/dev/null'].join('\n');
    const unshare = ['unshare', '--mount', '--uts', '--propagation', 'private', 'bash', '-c', script];
    const [command, ...args] = options.networkOf ? ['nsenter', `--net=/proc/${options.networkOf}/ns/net`, ...unshare] : unshare;
    const holder = spawn(command!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let err = '';
      holder.stderr!.on('data', (c) => (err += c));
      holder.stdout!.once('data', () => resolve());
      holder.once('exit', (code) => reject(new Error(`host sandbox ${name} failed (${code}): ${err}`)));
    });
    return new HostSandbox(name, dir, holder, options.networkOf !== undefined);
  }

  get pid(): number {
    return this.holder.pid!;
  }

  /** nsenter arguments that run a command inside this host. */
  enterArgs(command: string[]): string[] {
    return ['-t', String(this.pid), '-m', '-u', ...(this.ownNetwork ? ['-n'] : []), '--', ...command];
  }

  /** Runs a command inside this host; resolves with its output, rejects on a non-zero exit. */
  async exec(command: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
    if (input === undefined) return execFileAsync('nsenter', this.enterArgs(command), { maxBuffer: 16 << 20 });
    return new Promise((resolve, reject) => {
      const child = spawn('nsenter', this.enterArgs(command), { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('exit', (code) => {
        const settle = () => (code === 0 ? resolve({ stdout, stderr }) : reject(Object.assign(new Error(`exit ${code}: ${stderr}`), { code, stdout, stderr })));
        // Its output may still be on its way when the process exits (or be written by a child it left): read it to the
        // end of its streams, but not for longer than OUTPUT_AFTER_EXIT_MS, since a daemon it started may keep them
        // open. After the bound, output already in the pipes is read first (setImmediate runs after the loop's I/O).
        // ('close' always comes after 'exit'.)
        const bound = setTimeout(() => setImmediate(settle), OUTPUT_AFTER_EXIT_MS);
        child.once('close', () => {
          clearTimeout(bound);
          settle();
        });
      });
      // A command may end without reading all its input (a client refused at login): its exit says how it ended,
      // not the EPIPE of the write (tests/host-sandbox.test.ts).
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    });
  }

  /**
   * Kills every process left in this host's mount namespace but the holder: a script the engine detached from, or a
   * test's held command, has no parent here any more and would otherwise outlive the host.
   */
  private killEverythingInside(): void {
    if (this.holder.exitCode !== null) return;
    let namespace: string;
    try {
      namespace = readlinkSync(`/proc/${this.pid}/ns/mnt`);
    } catch {
      return;
    }
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === this.pid) continue;
      try {
        if (readlinkSync(`/proc/${entry}/ns/mnt`) === namespace) process.kill(Number(entry), 'SIGKILL');
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
  }

  /** Runs a bash script inside this host (like Orchestra does over SSH); never rejects. */
  async bash(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    try {
      const result = await this.exec(['bash', '-s'], script);
      return { code: 0, ...result };
    } catch (err) {
      const e = err as { code: number | null; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  async stop(): Promise<void> {
    this.killEverythingInside();
    if (this.holder.exitCode === null) {
      const exited = new Promise((r) => this.holder.once('exit', r));
      this.holder.stdin!.end();
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
