import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * A small network the tests make for hosts that run DNS servers: one network namespace (created here, gone when the
 * test ends) whose `eth0` holds one address per host of a private /24, joined to this machine by a veth pair. Master
 * and slave talk to each other inside it, on port 53, as two servers of a LAN would; Orchestra (the test process)
 * reaches their sshd and `dig` reaches their named through the veth. No traffic leaves the machine, and nothing
 * here listens anywhere else: the namespace is private, and the machine's end of the veth only routes its /24.
 */
export class DnsLan {
  private next = 10;

  private constructor(
    private readonly holder: ChildProcess,
    private readonly link: string,
    private readonly prefix: string,
  ) {}

  static async start(): Promise<DnsLan> {
    const holder = spawn('unshare', ['--net', 'bash', '-c', 'echo ready; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.once('data', () => resolve());
      holder.once('exit', (code) => reject(new Error(`network namespace holder exited (${code})`)));
    });
    const pid = String(holder.pid);
    for (let attempt = 0; ; attempt++) {
      const prefix = `10.253.${randomInt(0, 256)}`;
      const link = `orch-dns${randomInt(0, 100000)}`;
      const { stdout } = await execFileAsync('ip', ['-4', 'route', 'show', `${prefix}.0/24`]);
      if (stdout.trim() !== '' && attempt < 20) continue; // another run's network
      await execFileAsync('ip', ['link', 'add', link, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pid]);
      await execFileAsync('ip', ['addr', 'add', `${prefix}.1/24`, 'dev', link]);
      await execFileAsync('ip', ['link', 'set', link, 'up']);
      await execFileAsync('nsenter', ['-t', pid, '-n', 'bash', '-c', 'ip link set lo up && ip link set eth0 up']);
      return new DnsLan(holder, link, prefix);
    }
  }

  /** The namespace's holder process: hosts join its network namespace through it. */
  get pid(): number {
    return this.holder.pid!;
  }

  /** A new address of the LAN, for one host. */
  async newAddress(): Promise<string> {
    const address = `${this.prefix}.${this.next++}`;
    await execFileAsync('nsenter', ['-t', String(this.pid), '-n', 'ip', 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
    return address;
  }

  async close(): Promise<void> {
    await execFileAsync('ip', ['link', 'del', this.link]).catch(() => undefined);
    if (this.holder.exitCode === null) {
      const exited = new Promise((r) => this.holder.once('exit', r));
      this.holder.stdin!.end();
      await exited;
    }
  }
}
