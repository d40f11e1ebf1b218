/**
 * The Ansible contender of the throughput bench (issue 17): the same changes as the engine, on the same sandboxed
 * hosts, as one batch playbook (bench/ansible/crontab-changes.yml) with Ansible's fastest settings
 * (bench/ansible/ansible.cfg: pipelining, ControlPersist, forks 8), under strategy `linear` or `free`.
 *
 * ansible-core comes from PyPI into .tools/ansible-venv (a venv of this machine's python3), installed by the bench the
 * first time and reused after; never by `npm start` or `npm test`. The inventory is generated per run from the bench's
 * hosts (their loopback SSH ports, the engine's client key, their host keys from ssh-keyscan checked against the
 * fingerprints Orchestra pinned) as JSON: every value goes in as a JSON string, nothing is spliced into YAML or a
 * shell. The change list goes in the inventory too: per host, its user's crontab as Orchestra rendered it for each
 * change, in commit order.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchEnv } from './orchestration-common.js';

const run = promisify(execFile);

/** Pinned: the version the first measurement used (2.19, the newest whose controller runs on Python 3.11). */
export const ANSIBLE_CORE_VERSION = '2.19.4';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const VENV = join(ROOT, '.tools', 'ansible-venv');
const ANSIBLE_DIR = join(ROOT, 'bench', 'ansible');
const PLAYBOOK = join(ANSIBLE_DIR, 'crontab-changes.yml');
const CONFIG = join(ANSIBLE_DIR, 'ansible.cfg');

export type AnsibleStrategy = 'linear' | 'free';

/** What one host must end up with, change after change. */
export interface AnsibleHostChanges {
  host: string;
  username: string;
  /** Each change's complete crontab of `username`, one string per line, in commit order. */
  crontabVersions: string[][];
}

const log = (message: string) => console.error(`[bench] ${message}`);

/** .tools/ansible-venv/bin/ansible-playbook at the pinned version, installed from PyPI if missing or another version. */
export async function ensureAnsible(): Promise<string> {
  const playbook = join(VENV, 'bin', 'ansible-playbook');
  const python = join(VENV, 'bin', 'python');
  if (existsSync(python)) {
    const { stdout } = await run(python, ['-m', 'pip', 'show', 'ansible-core']).catch(() => ({ stdout: '' }));
    // A venv made under another path (a worktree whose .tools was this one) has scripts whose #! names that path.
    const runs = await run(playbook, ['--version']).then(() => true, () => false);
    if (new RegExp(`^Version: ${ANSIBLE_CORE_VERSION.replaceAll('.', '\\.')}$`, 'm').test(stdout) && runs) return playbook;
  }
  log(`installing ansible-core ${ANSIBLE_CORE_VERSION} from PyPI into ${VENV}`);
  await run('python3', ['-m', 'venv', '--clear', VENV]);
  await run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `ansible-core==${ANSIBLE_CORE_VERSION}`], { maxBuffer: 16 << 20 });
  return playbook;
}

/** `[127.0.0.1]:port keytype key` lines of every host, each key checked against the fingerprint Orchestra pinned. */
async function knownHosts(env: BenchEnv): Promise<string> {
  const lines: string[] = [];
  for (const target of env.targets) {
    const { address, port, hostKeyFingerprint } = target.endpoint;
    const { stdout } = await run('ssh-keyscan', ['-t', 'ed25519', '-p', String(port), address]);
    const scanned = stdout.split('\n').filter((l) => l && !l.startsWith('#'));
    const dir = mkdtempSync(join(tmpdir(), 'bench-keyscan-'));
    try {
      writeFileSync(join(dir, 'key'), scanned.join('\n') + '\n');
      const { stdout: fp } = await run('ssh-keygen', ['-l', '-f', join(dir, 'key')]);
      if (!fp.includes(hostKeyFingerprint ?? 'no pinned key')) throw new Error(`${target.host}: scanned host key ${fp.trim()} is not the pinned ${hostKeyFingerprint}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    lines.push(...scanned);
  }
  return lines.join('\n') + '\n';
}

/** The inventory (YAML inventory plugin, JSON syntax): the hosts as the engine reaches them, with their changes. */
function inventory(env: BenchEnv, changes: AnsibleHostChanges[], knownHostsPath: string): object {
  const hosts: Record<string, object> = {};
  for (const change of changes) {
    const target = env.targets.find((t) => t.host === change.host);
    if (!target) throw new Error(`no bench host ${change.host}`);
    hosts[change.host] = {
      ansible_host: target.endpoint.address,
      ansible_port: target.endpoint.port,
      ansible_user: target.endpoint.user,
      ansible_ssh_private_key_file: env.h.config.sshPrivateKeyPath,
      ansible_ssh_common_args: `-o UserKnownHostsFile=${knownHostsPath}`,
      crontab_user: change.username,
      crontab_versions: change.crontabVersions.map((lines) => lines.join('\n')),
    };
  }
  return { all: { hosts } };
}

/**
 * Runs the batch playbook once with `strategy`; returns its wall time in seconds (ansible-playbook start to exit,
 * its SSH connections' set-up included, as an operator running it would see it) and the CPU seconds of the controller
 * (ansible-playbook, its forks and ssh clients: a bash parent's `times`, since Node cannot read a reaped child's usage;
 * the modules' CPU on the hosts is sshd's, counted by the bench).
 */
export async function runAnsibleContender(
  env: BenchEnv,
  changes: AnsibleHostChanges[],
  strategy: AnsibleStrategy,
): Promise<{ seconds: number; controllerCpuSeconds: number }> {
  const ansiblePlaybook = await ensureAnsible();
  const dir = mkdtempSync(join(tmpdir(), 'bench-ansible-'));
  try {
    const knownHostsPath = join(dir, 'known_hosts');
    writeFileSync(knownHostsPath, await knownHosts(env));
    const inventoryPath = join(dir, 'inventory.json');
    writeFileSync(inventoryPath, JSON.stringify(inventory(env, changes, knownHostsPath)));
    const t0 = performance.now();
    // `times` prints this shell's, then its children's user and system time (e.g. "0m12.345s 0m1.234s").
    const timed = '"$@"; rc=$?; times >&2; exit $rc';
    const result = await run('bash', ['-c', timed, 'bash', ansiblePlaybook, '-i', inventoryPath, PLAYBOOK], {
      cwd: dir,
      maxBuffer: 256 << 20,
      env: {
        ...process.env,
        ANSIBLE_CONFIG: CONFIG,
        ANSIBLE_STRATEGY: strategy,
        ANSIBLE_HOME: join(dir, 'home'),
        ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'),
        ANSIBLE_SSH_CONTROL_PATH_DIR: join(dir, 'cp'),
        ANSIBLE_NOCOLOR: '1',
      },
    }).catch((err: { stdout?: string; stderr?: string }) => {
      throw new Error(`ansible-playbook (${strategy}) failed:\n${(err.stdout ?? '').slice(-4000)}\n${(err.stderr ?? '').slice(-4000)}`);
    });
    const seconds = (performance.now() - t0) / 1000;
    const children = result.stderr.trim().split('\n').at(-1) ?? '';
    const controllerCpuSeconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
    const recap = /PLAY RECAP[\s\S]*/.exec(result.stdout)?.[0] ?? '';
    const expected = changes.reduce((n, c) => n + c.crontabVersions.length, 0);
    const changed = [...recap.matchAll(/changed=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    if (/failed=[1-9]|unreachable=[1-9]/.test(recap)) throw new Error(`ansible-playbook (${strategy}) reported failures:\n${recap}`);
    // One task with a loop counts as one change per host in the recap; the loop's items are checked on the hosts.
    if (changed !== changes.length) throw new Error(`ansible-playbook (${strategy}): ${changed} hosts changed, expected ${changes.length} (${expected} changes):\n${recap}`);
    return { seconds, controllerCpuSeconds };
  } finally {
    // The ControlPersist masters exit when their control sockets' directory goes; end them first.
    await run('bash', ['-c', 'for s in "$1"/cp/*; do [ -S "$s" ] && ssh -o ControlPath="$s" -O exit x 2>/dev/null; done; true', 'bash', dir]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
