import type { Client } from '@temporalio/client';
import type { Config } from '../config/config.js';
import { SCHEDULES } from '../temporal/schedules/index.js';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-endpoint.js';
import { observeSshPool, processRegistry } from './metrics/process-metrics.js';
import { scheduleGaugesRegistry } from './metrics/schedule-gauges.js';

/**
 * The worker's /metrics (ORCHESTRA_WORKER_METRICS_PORT on HOST): its SSH pool and script runs, and the declared
 * schedules' last run and success (read from Temporal at most every `scheduleReadingMaxAgeMs`). Null when turned off.
 */
export async function startWorkerMetrics(
  config: Pick<Config, 'host' | 'observability' | 'temporalTaskQueue'>,
  client: Client,
  pool: { stats(): { servers: number; connections: number; runningScripts: number; queuedScripts: number } },
  options: { scheduleReadingMaxAgeMs?: number } = {},
): Promise<MetricsServer | null> {
  const port = config.observability.workerMetricsPort;
  if (port === null) return null;
  const unobserve = observeSshPool(pool);
  const server = await startMetricsServer(config.host, port, [processRegistry, scheduleGaugesRegistry(client, config.temporalTaskQueue, SCHEDULES, { maxAgeMs: options.scheduleReadingMaxAgeMs })]);
  return {
    url: server.url,
    async close() {
      unobserve();
      await server.close();
    },
  };
}
