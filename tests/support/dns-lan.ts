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

  /**
   * Joins this LAN to `other` by a cable of their own (a veth pair between the two namespaces, each routing the
   * other's /24 through it): hosts of one reach hosts of the other, as two racks of a network would, without this
   * machine forwarding anything. For daemons that take every address of their namespace (nginx's `listen 80`): one
   * such host per LAN, the LANs joined.
   */
  async linkTo(other: DnsLan): Promise<void> {
    const here = `orch-lk${randomInt(0, 100000)}`;
    const there = `orch-lk${randomInt(0, 100000)}`;
    await execFileAsync('ip', ['link', 'add', here, 'netns', String(this.pid), 'type', 'veth', 'peer', 'name', there, 'netns', String(other.pid)]);
    for (const [lan, link, to] of [[this, here, other], [other, there, this]] as const) {
      await execFileAsync('nsenter', ['-t', String(lan.pid), '-n', 'bash', '-c', 'ip link set "$1" up && ip route add "$2.0/24" dev "$1"', '-', link, to.prefix]);
    }
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
