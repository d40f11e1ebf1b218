/**
 * Production worker processes (src/bin/worker.ts) for the engine's fault tests: started on a harness's database and
 * task queue, then killed, paused (SIGSTOP: a starved worker, as on a machine at load 13) and resumed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { OrchestraHarness } from './orchestra-harness.js';
import { testClientKey } from './sshd-host.js';

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it printed, for failing tests and for waiting on a log line. */
  log: string[];
  output(): string;
  /** SIGSTOP: the process gets no CPU at all (no heartbeat, no poll) until resumed. */
  pause(): void;
  resume(): void;
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM (if still running) and wait for the exit. */
  stop(): Promise<void>;
}

/** The environment a production entry (src/bin/api.ts, worker.ts) needs to join a harness's installation. */
export async function orchestraProcessEnv(h: OrchestraHarness): Promise<Record<string, string>> {
  return {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: h.config.databaseUrl,
    TEMPORAL_ADDRESS: h.config.temporalAddress,
    TEMPORAL_TASK_QUEUE: h.config.temporalTaskQueue,
    ORCHESTRA_TOKEN_SECRET: h.config.tokenSecret,
    ORCHESTRA_SSH_KEY: (await testClientKey()).privateKeyPath,
  };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a worker process; resolves once it polls the task queue. Each process compiles its sources and bundles the
 * workflows (webpack) first: on a machine at load 15 that takes minutes, so set-ups that start some give themselves
 * a generous deadline (it bounds the start-up only, never an outcome).
 */
export async function startWorkerProcess(h: OrchestraHarness, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn('node_modules/.bin/node', ['--import', './scripts/register.js', 'src/bin/worker.ts'], {
    cwd: process.cwd(),
    env: {
      ...(await orchestraProcessEnv(h)),
      // info: the "polling task queue" line this waits for is an info line.
      LOG_LEVEL: 'info',
      // Several workers on one machine: each its own free port for /metrics.
      ORCHESTRA_WORKER_METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const worker: WorkerProcess = {
    child,
    log,
    output: () => log.join(''),
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async kill(signal) {
      child.kill(signal);
      await exited(child);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited(child);
    },
  };
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      log.push(chunk.toString());
      if (worker.output().includes('polling task queue')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    child.once('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before it polled:\n${worker.output().slice(-4000)}`)));
  });
  return worker;
}
