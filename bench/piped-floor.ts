/**
 * The throughput bench's floor (issue 17): what the hosts can do. Per host ONE exec on the engine's warm pooled SSH
 * connection runs every stored script of that host one after the other, each in a subshell of its own (so one
 * script's `set -e`, functions and `exit` stay its own), stopping at the first that fails. No workflow, no database,
 * no connection set-up: the SSH round trips and the scripts' own work only.
 */
import type { BenchEnv } from './orchestration-common.js';

/** One bash script running `scripts` in order, each in a subshell, exiting with the first non-zero status. */
export function pipedScript(scripts: readonly string[]): string {
  const parts = ['#!/bin/bash'];
  scripts.forEach((script, i) => {
    // A subshell's own `set -e` holds only when the subshell is not part of an && / || list: test $? after it.
    parts.push(`(\n${script}\n)`, `rc=$?; if [ "$rc" -ne 0 ]; then echo "piped floor: change ${i + 1} exited $rc" >&2; exit "$rc"; fi`);
  });
  return parts.join('\n') + '\n';
}

/** Runs every host's scripts as one piped exec, the hosts in parallel; returns the wall time in seconds. */
export async function runPipedFloor(env: BenchEnv, scriptsByServer: ReadonlyMap<string, readonly string[]>): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    env.targets.map(async (target) => {
      const result = await env.h.runner.run(target.endpoint, pipedScript(scriptsByServer.get(target.serverId) ?? []), { timeoutMs: 10 * 60_000 });
      if (result.exitCode !== 0) throw new Error(`piped floor on ${target.host} exited ${result.exitCode}: ${result.stderr.slice(-2000)}`);
    }),
  );
  return (performance.now() - t0) / 1000;
}
