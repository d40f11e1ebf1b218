import type { ScriptRunner } from '../orchestration/ssh/script-runner.js';
import type { ServerEndpoint } from '../orchestration/types.js';

export interface DeployStepResult {
  ok: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one deploy script on a server over the SSH engine the backends use (the same pool, the same pinned host key:
 * an untrusted or changed key is refused before anything is sent).
 */
export async function runDeployScript(runner: ScriptRunner, server: ServerEndpoint, script: string, timeoutMs = 15 * 60_000): Promise<DeployStepResult> {
  const result = await runner.run(server, script, { timeoutMs });
  return { ok: result.exitCode === 0, exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}
