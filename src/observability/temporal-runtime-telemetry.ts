import type { RuntimeOptions } from '@temporalio/worker';
import type { Config } from '../config/config.js';

/**
 * The Temporal SDK core's own metrics (task slots, poll latencies, workflow and activity task durations, sticky cache)
 * on a Prometheus endpoint of its own (ORCHESTRA_TEMPORAL_METRICS_PORT on HOST): the core exports them natively, not
 * through prom-client. Off unless configured. Runtime.install takes it once per process, before any worker.
 */
export function temporalRuntimeTelemetry(config: Pick<Config, 'host' | 'observability'>): Pick<RuntimeOptions, 'telemetryOptions'> {
  const port = config.observability.temporalMetricsPort;
  if (port === null) return {};
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    telemetryOptions: {
      metrics: { prometheus: { bindAddress: `${host}:${port}`, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true } },
    },
  };
}
