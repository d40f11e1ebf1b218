import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { findTemporalBinary } from './temporal-binary.js';
import { SEARCH_ATTRIBUTE_FLAGS } from '../temporal/search-attributes.js';

export interface TemporalDevServerHandle {
  address: string;
  uiUrl: string | null;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev`. With a dbFile the state lives in SQLite (WAL: the SDK's own CI found
 * file persistence too slow without it); without one it is in memory (tests).
 */
export async function startTemporalDevServer(opts: {
  port: number;
  uiPort: number | null;
  dbFile: string | null;
  namespace: string;
  extraArgs?: string[];
  log?: (line: string) => void;
}): Promise<TemporalDevServerHandle> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--namespace', opts.namespace];
  args.push('--log-level', 'error', ...SEARCH_ATTRIBUTE_FLAGS);
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (opts.dbFile) {
    mkdirSync(dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile, '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  }
  args.push(...(opts.extraArgs ?? []));
  const binary = findTemporalBinary();
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // A binary that cannot be executed (EACCES, ENOENT) is an 'error' event, which must not go unhandled.
  let spawnError: Error | null = null;
  child.once('error', (err) => (spawnError = err));
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output.push(text);
    if (output.length > 50) output.shift();
    opts.log?.(text);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const address = `127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (spawnError) throw new Error(`the Temporal CLI ${binary} could not run: ${(spawnError as Error).message}`);
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with ${child.exitCode}:\n${output.join('')}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`temporal dev server did not answer on ${address} within 60 s: ${String(err)}\n${output.join('')}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    address,
    uiUrl: opts.uiPort ? `http://localhost:${opts.uiPort}` : null,
    process: child,
    async stop() {
      if (child.pid === undefined || child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
