import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's event metrics (prom-client): counts and durations of things that happen in this process, which no
 * table holds. State that the database holds (operations by state, queues, relay lag) is never counted here: it is
 * read at scrape time (database-gauges.ts), so it cannot drift from the truth.
 */
export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry, prefix: 'orchestra_' });

/** Seconds: a GraphQL request takes milliseconds to seconds (a password hash, a workflow round trip). */
export const graphqlDuration = new Histogram({
  name: 'orchestra_graphql_request_duration_seconds',
  help: 'GraphQL requests by operation name and type, from parse to response',
  labelNames: ['operation', 'type'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [processRegistry],
});

export const graphqlErrors = new Counter({
  name: 'orchestra_graphql_errors_total',
  help: 'GraphQL errors (top-level, not userErrors) by operation name and code',
  labelNames: ['operation', 'code'] as const,
  registers: [processRegistry],
});

/** Scripts run for up to their timeout (minutes): the buckets go that far. */
export const sshExecDuration = new Histogram({
  name: 'orchestra_ssh_exec_duration_seconds',
  help: 'Script runs over SSH by server, backend and outcome (SUCCESS, FAILURE, TIMEOUT, ERROR, RETRYING, …)',
  labelNames: ['server', 'backend', 'outcome'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
  registers: [processRegistry],
});

export const sshReconnects = new Counter({
  name: 'orchestra_ssh_reconnects_total',
  help: 'SSH connection attempts to a server after its first one (dropped connections, failed attempts)',
  labelNames: ['server'] as const,
  registers: [processRegistry],
});

export const scriptRetries = new Counter({
  name: 'orchestra_script_retries_total',
  help: 'Script runs set RETRYING (transport errors, stopped attempts): Temporal retries them',
  labelNames: ['server', 'backend'] as const,
  registers: [processRegistry],
});

/** The SSH pools of this process (the worker's), read when scraped. */
const pools = new Set<{ stats(): { servers: number; connections: number; runningScripts: number; queuedScripts: number } }>();

export function observeSshPool(pool: { stats(): { servers: number; connections: number; runningScripts: number; queuedScripts: number } }): () => void {
  pools.add(pool);
  return () => pools.delete(pool);
}

new Gauge({
  name: 'orchestra_ssh_pool',
  help: 'The SSH pool: open connections, servers known, scripts running and queued for a channel',
  labelNames: ['kind'] as const,
  registers: [processRegistry],
  collect() {
    const sum = { servers: 0, connections: 0, runningScripts: 0, queuedScripts: 0 };
    for (const pool of pools) for (const [k, v] of Object.entries(pool.stats())) sum[k as keyof typeof sum] += v;
    this.set({ kind: 'connections' }, sum.connections);
    this.set({ kind: 'servers' }, sum.servers);
    this.set({ kind: 'running_scripts' }, sum.runningScripts);
    this.set({ kind: 'queued_scripts' }, sum.queuedScripts);
  },
});
