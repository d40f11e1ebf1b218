import type { HostSandbox } from './host-sandbox.js';

/** What a script started, from strace: processes in all and programs by name. */
export interface ProcessTrace {
  /** The script's stdout. */
  output: string;
  /** Processes started (the script's bash excluded; the programs' own forks included). */
  processes: number;
  /** The programs run, as "name count", sorted by name (the script's own bash excluded). */
  programs: string[];
}

/** Runs the script with bash on the host under `strace -ff` (tests/backend-script-processes.test.ts, bench/backend-scripts.ts). */
export async function traceScript(host: HostSandbox, script: string): Promise<ProcessTrace> {
  await host.exec(['sh', '-c', 'cat > /root/traced.sh'], script);
  // -ff: a file per process, so no call is split by another process's (`<unfinished ...>`).
  const { stdout: output } = await host.exec(['bash', '-c', 'rm -f /root/trace.*; strace -ff -qq -e trace=process -o /root/trace bash /root/traced.sh']);
  const trace = (await host.exec(['sh', '-c', 'cat /root/trace.*'])).stdout.split('\n');
  const processes = trace.filter((line) => /^(clone3?|v?fork)\(.*= \d+$/.test(line)).length;
  const programs = new Map<string, number>();
  for (const line of trace.filter((l) => /^execve\(".*= 0$/.test(l) && !l.includes('"/root/traced.sh"'))) {
    const name = /execve\("(?:[^"]*\/)?([^"/]+)"/.exec(line)![1]!;
    programs.set(name, (programs.get(name) ?? 0) + 1);
  }
  return { output, processes, programs: [...programs].map(([name, n]) => `${name} ${n}`).sort() };
}
