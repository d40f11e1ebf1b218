// The backends' scripts alone, on a sandboxed host: processes each one starts and its CPU, per case, against an older
// checkout's scripts in the same run (interleaved rounds).
//   node_modules/.bin/node --import ./scripts/register.js bench/backend-scripts.ts [--runs=200] [--rounds=2] [--before=<checkout>]
// Cases (the scripts the backends render for one operation, run with bash as the run-once wrapper runs a section):
//   bash alone             `true`: what starting the script's bash costs, for reference
//   save user, unchanged   save_user of an existing user with two groups, nothing to change (a sync, an account saved)
//   save user, changed     the same user, its shell switched between bash and nologin on every run (usermod)
//   crontab, changed       install_crontab, its command switched on every run (what bench/orchestration-throughput.ts does)
//   crontab, unchanged     install_crontab of the crontab already installed
// Processes: `strace -ff` of one run (tests/support/process-trace.ts: processes started, programs run). CPU: user +
// sys of `--runs` runs in a row (bash `time` counts the children), per run. Needs root and strace.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HostSandbox } from '../tests/support/host-sandbox.js';
import { renderSave as render, user } from '../tests/support/backend-fixtures.js';
import { traceScript, type ProcessTrace } from '../tests/support/process-trace.js';
import type { Backend } from '../src/orchestration/backends/backend.js';
import { flag, machineLoad, table } from './orchestration-common.js';

const runs = Number(flag('runs') ?? 200);
const rounds = Number(flag('rounds') ?? 2);
const before = flag('before');

interface Contender {
  name: string;
  /** Per case, the scripts one run alternates between (two when each run must change something). */
  cases: Map<string, string[]>;
}

async function backendOf(root: string, path: string, exported: string): Promise<Backend> {
  return (await import(pathToFileURL(resolve(root, path)).href))[exported] as Backend;
}

async function contender(name: string, root: string): Promise<Contender> {
  const users = await backendOf(root, 'src/orchestration/backends/system-users/system-users.backend.ts', 'systemUsersBackend');
  const crontabs = await backendOf(root, 'src/orchestration/backends/crontabs/crontabs.backend.ts', 'crontabsBackend');
  const alice = (shell: '/bin/bash' | '/dev/null') => render(users, user({ shell, groups: ['bob', 'carol'] }));
  const crontab = (command: string) => render(crontabs, { systemUsername: 'alice', entries: [{ id: 1, minute: '*/5', command }, { id: 2, hour: '3', minute: '0', command: 'backup' }] });
  return {
    name,
    cases: new Map([
      ['bash alone (reference)', ['#!/bin/bash\ntrue\n']],
      ['save user, unchanged', [alice('/bin/bash')]],
      ['save user, changed', [alice('/dev/null'), alice('/bin/bash')]],
      ['crontab, changed', [crontab('echo one'), crontab('echo two')]],
      ['crontab, unchanged', [crontab('echo one')]],
    ]),
  };
}

async function install(host: HostSandbox, scripts: string[]): Promise<void> {
  for (const [i, script] of scripts.entries()) await host.exec(['sh', '-c', `cat > /root/bench-${i}.sh`], script);
}

/** Processes started and programs run by one run of the first script (after one run of the last, which settles the state). */
async function processes(host: HostSandbox, scripts: string[]): Promise<ProcessTrace> {
  await install(host, scripts);
  const settled = await host.bash(`bash /root/bench-${scripts.length - 1}.sh`);
  if (settled.code !== 0) throw new Error(settled.stderr);
  return traceScript(host, scripts[0]!);
}

/** CPU ms (user + sys of the scripts' processes) per run, over `runs` runs cycling through the scripts. */
async function cpuPerRun(host: HostSandbox, scripts: string[]): Promise<number> {
  await install(host, scripts);
  const loop = `TIMEFORMAT='%U %S'; time { for ((i = 0; i < ${runs}; i++)); do bash /root/bench-$(( i % ${scripts.length} )).sh >/dev/null; done; }`;
  const r = await host.bash(loop);
  if (r.code !== 0) throw new Error(r.stderr);
  const [user, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return ((user! + sys!) * 1000) / runs;
}

async function main() {
  const contenders = [await contender('this checkout', process.cwd())];
  if (typeof before === 'string') contenders.unshift(await contender(`--before (${before})`, before));
  const loads = [machineLoad()];
  const host = await HostSandbox.start('bench-scripts');
  try {
    // The users alice's scripts name: bob and carol as groups, alice with her crontab.
    await install(host, [contenders[0]!.cases.get('save user, unchanged')![0]!]);
    const setup = await host.bash('groupadd bob && groupadd carol && bash /root/bench-0.sh >/dev/null');
    if (setup.code !== 0) throw new Error(setup.stderr);

    const rows: (string | number)[][] = [];
    for (const c of contenders) {
      for (const [name, scripts] of c.cases) {
        const p = await processes(host, scripts);
        rows.push([c.name, name, p.processes, p.programs.reduce((n, p) => n + Number(p.split(' ')[1]), 0), p.programs.join(', ')]);
      }
    }
    console.log(`Processes per run (strace -ff; programs: what the script's bash and its subshells ran)\n\n${table(['scripts', 'case', 'processes started', 'programs run', 'programs'], rows, 2)}\n`);

    const cpu = new Map<string, number[]>();
    for (let round = 0; round < rounds; round++) {
      for (const c of round % 2 ? [...contenders].reverse() : contenders) {
        for (const [name, scripts] of c.cases) {
          const key = `${c.name}\t${name}`;
          cpu.set(key, [...(cpu.get(key) ?? []), await cpuPerRun(host, scripts)]);
        }
        loads.push(machineLoad());
      }
    }
    const cpuRows = [...cpu].map(([key, values]) => [...key.split('\t'), ...values.map((v) => v.toFixed(2))]);
    console.log(`CPU ms per run (user + sys, ${runs} runs per round; rounds interleaved)\n\n${table(['scripts', 'case', ...Array.from({ length: rounds }, (_, i) => `round ${i + 1}`)], cpuRows, 2)}\n`);
    console.log(`Load: ${loads.join(' → ')}`);
  } finally {
    await host.stop();
  }
}

await main();
