import type { EntityManager } from '@mikro-orm/postgresql';
import { MonitorRun } from '../entities/resources/monitor-run.js';
import { Server } from '../entities/orchestration/server.js';
import { endpointOf } from '../orchestration/server-access.js';
import { recordHostKeyChange, serverHold } from '../orchestration/server-hold.js';
import { HostKeyMismatchError, ScriptTimeoutError, SshError, TransportError, type ScriptRunner } from '../orchestration/ssh/index.js';
import { findMonitor } from './monitors/registry.js';
import { parseMonitorOutput } from './monitor-output.js';
import { storeSamples } from './store-samples.js';

const MAX_STDOUT_BYTES = 64 << 20;

/**
 * Runs one monitor script on its server and stores what it printed. Straight over the SSH pool, NOT through the
 * server's configuration queue: a monitor only reads, so a stuck configuration change must not stop monitoring and
 * a long measurement must not delay a change. The pool's host-key rules hold as for every script: a server on hold
 * (key not trusted, or another key seen) is not measured (ERROR with the reason), and a changed key seen here holds
 * the server for configuration too. A transport error is thrown for Temporal to retry; nothing was stored then.
 */
export async function executeMonitorRun(
  em: EntityManager,
  runner: ScriptRunner,
  runId: string,
  carrier?: { workflowId: string; runId: string },
): Promise<MonitorRun> {
  const run = await em.findOneOrFail(MonitorRun, { id: runId }, { populate: ['server'], filters: false });
  if (['SUCCESS', 'FAILURE', 'ERROR', 'TIMEOUT'].includes(run.state)) return run;
  const server = run.server.getEntity();
  const monitor = findMonitor(run.monitor);
  const hold = serverHold(server);
  if (hold || !monitor) return finish(em, run, 'ERROR', { error: hold ?? `no monitor named ${run.monitor}` });
  run.state = 'STARTED';
  run.startedAt = new Date();
  // The workflow that carries it: the run's deep link.
  if (carrier) Object.assign(run, { workflowId: carrier.workflowId, workflowRunId: carrier.runId });
  await em.flush();
  try {
    const result = await runner.run(endpointOf(server), run.script, { timeoutMs: monitor.timeoutMs, maxOutputBytes: MAX_STDOUT_BYTES });
    const expected = new Set(run.objectIds);
    const output = parseMonitorOutput(result.stdout, expected);
    if (result.stdoutTruncated) output.malformed.push('the output was cut: some objects have no sample this run');
    // One timestamp per run: every sample of it is "as of" the end of the script.
    const at = new Date(result.finishedAt);
    const stored = await storeSamples(em, { monitor: monitor.name, model: monitor.model, runId: run.id, at, counter: monitor.counter }, output.values);
    return finish(em, run, result.exitCode === 0 ? 'SUCCESS' : 'FAILURE', {
      exitCode: result.exitCode,
      stderr: result.stderr.slice(-65_536),
      malformed: output.malformed,
      storedCount: stored,
      finishedAt: at,
    });
  } catch (err) {
    if (err instanceof TransportError) throw err;
    if (err instanceof HostKeyMismatchError) {
      await recordHostKeyChange(em, server.id, err.expected, err.actual);
      runner.forget(server.id, err);
      const held = await em.fork().findOneOrFail(Server, { id: server.id }, { filters: false });
      return finish(em, run, 'ERROR', { error: serverHold(held) ?? err.message });
    }
    if (err instanceof ScriptTimeoutError) return finish(em, run, 'TIMEOUT', { error: err.message, stderr: err.result.stderr.slice(-65_536) });
    return finish(em, run, 'ERROR', { error: err instanceof SshError ? `${err.name}: ${err.message}` : err instanceof Error ? err.message : String(err) });
  }
}

async function finish(em: EntityManager, run: MonitorRun, state: string, fields: Partial<MonitorRun>): Promise<MonitorRun> {
  Object.assign(run, fields, { state, finishedAt: fields.finishedAt ?? new Date() });
  await em.flush();
  return run;
}
