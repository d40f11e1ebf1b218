/**
 * The production topology's Temporal server for the benches: `temporal-server` built from its Go module
 * (scripts/temporal-server.sh build: it must have been built before, this never builds), its schema created on a
 * PostgreSQL server, started on a block of free loopback ports, with the `default` namespace registered. Used by
 * `--go-temporal` (bench/orchestration-common.ts) and bench/production-topology.ts. Never used by `npm start` or the
 * tests: the build takes more than an hour on a small machine.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';

const ROOT = resolve(import.meta.dirname, '..');
const SCRIPT = join(ROOT, 'scripts/temporal-server.sh');
/** The ports the server opens, as offsets from its frontend port (scripts/temporal-server.sh's config). */
const PORT_OFFSETS = [0, 1, 2, 3, 10, 100, 101, 102, 103];
// gRPC status code of "namespace already exists".
const ALREADY_EXISTS = 6;

export interface GoTemporalServer {
  address: string;
  /** Its process id, for CPU accounting. */
  pid: number;
  stop(): Promise<void>;
}

/** Where scripts/temporal-server.sh keeps the build (TEMPORAL_SERVER_CACHE, else .cache/temporal-server). */
export function goTemporalCache(): string {
  return process.env.TEMPORAL_SERVER_CACHE ?? join(ROOT, '.cache/temporal-server');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** A frontend port whose whole block (PORT_OFFSETS) is free. */
async function freePortBlock(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    // Below 32768 with its whole block: Temporal stores membership ports (base + 100…) as a PostgreSQL smallint, and a
    // block above it failed start-up ("value 34302 is out of range for type smallint") in about a third of the runs.
    const base = 20_000 + Math.floor(Math.random() * (32_767 - 20_000 - Math.max(...PORT_OFFSETS)));
    const free = await Promise.all(PORT_OFFSETS.map((offset) => portFree(base + offset)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free block of ports for the Temporal server');
}

/**
 * Creates the schema on `postgresUrl` (postgres://user:password@host:port; the `temporal` and
 * `temporal_visibility` databases), starts the server, waits for its frontend and registers `default`.
 */
export async function startGoTemporalServer(postgresUrl: string, log: (line: string) => void): Promise<GoTemporalServer> {
  const cache = goTemporalCache();
  if (!existsSync(join(cache, 'bin/temporal-server'))) {
    throw new Error(`no temporal-server in ${cache}/bin: build it first with scripts/temporal-server.sh build (or set TEMPORAL_SERVER_CACHE)`);
  }
  const server = new URL(postgresUrl);
  const base = `postgres://${server.username}:${server.password}@${server.host}`;
  const env = { ...process.env, TEMPORAL_SERVER_CACHE: cache };
  await promisify(execFile)('bash', [SCRIPT, 'schema', base], { env, maxBuffer: 16 << 20 });
  const port = await freePortBlock();
  const child = spawn('bash', [SCRIPT, 'start', base], { env: { ...env, TEMPORAL_SERVER_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 100) output.shift();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 15_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`temporal-server exited with ${child.exitCode}:\n${output.join('')}`);
      try {
        const connection = await Connection.connect({ address, connectTimeout: 1000 });
        try {
          await connection.workflowService.registerNamespace({ namespace: 'default', workflowExecutionRetentionPeriod: msToTs('3 days') });
        } catch (err) {
          if ((err as { code?: number }).code !== ALREADY_EXISTS) throw err;
        } finally {
          await connection.close();
        }
        break;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`temporal-server did not answer on ${address} within 120 s: ${err}\n${output.join('')}`);
        await new Promise((done) => setTimeout(done, 500));
      }
    }
    // A new namespace reaches every service's cache within its refresh interval (10 s by default).
    for (;;) {
      const connection = await Connection.connect({ address });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        await connection.workflowService.listOpenWorkflowExecutions({ namespace: 'default', maximumPageSize: 1 });
        break;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`namespace default not usable on ${address}: ${err}`);
        await new Promise((done) => setTimeout(done, 1000));
      } finally {
        await connection.close();
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  log(`Temporal server (Go, v1.32.1 build in ${cache}) on PostgreSQL ${server.host}: ${address}`);
  return { address, pid: child.pid!, stop };
}
