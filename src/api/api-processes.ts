import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';

export interface ApiProcesses {
  /** The port every process listens on (the same one: node:cluster shares it, even a port 0 chose). */
  port: number;
  pids(): number[];
  /** Stops every process (SIGTERM: each runs its own ordered shutdown) and waits until all have exited. */
  stop(): Promise<void>;
}

/**
 * Runs the API in `count` processes sharing one listening port, from the primary process of a node:cluster: the
 * processes run this same program (`cluster.isPrimary` false), each a complete API (GraphQL execution is CPU-bound
 * and single-threaded: one process uses one core; the API keeps no state of its own, issue 9). The primary only
 * hands each new connection to the next process in turn (node:cluster's round robin, even under keep-alive).
 *
 * The first process starts alone: on an empty database it bootstraps the first administrator, which two processes
 * must not race for. A process that dies after it listened is replaced; one that dies before it listened fails the
 * start (a bad start would otherwise be retried forever).
 */
export async function startApiProcesses(count: number, log: { info(message: string): void; error(message: string): void }): Promise<ApiProcesses> {
  let stopping = false;
  const listening = new Set<Worker>();

  const fork = () =>
    new Promise<AddressInfo>((resolve, reject) => {
      const worker = cluster.fork();
      worker.once('listening', (address: AddressInfo) => {
        listening.add(worker);
        resolve(address);
      });
      worker.once('exit', (code, signal) => {
        if (!listening.delete(worker)) {
          reject(new Error(`an API process exited (${signal ?? code}) before it listened`));
          return;
        }
        if (stopping) return;
        log.error(`API process ${worker.process.pid} exited (${signal ?? code}); starting another`);
        fork().catch((err: unknown) => log.error(err instanceof Error ? err.message : String(err)));
      });
    });

  const stop = async () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
      ),
    );
  };

  try {
    const { port } = await fork();
    await Promise.all(Array.from({ length: count - 1 }, fork));
    log.info(`${count} API processes listen on port ${port}`);
    return { port, pids: () => [...listening].map((w) => w.process.pid!), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
