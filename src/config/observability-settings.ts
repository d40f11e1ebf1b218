/**
 * Where the processes expose metrics and send traces (src/observability/). Read from the environment like the rest
 * of the configuration; loadConfig (./config.ts) reports bad values at start.
 *
 * | variable | default |
 * | ORCHESTRA_WORKER_METRICS_PORT | 9464: the worker's /metrics (HOST); `off`: none |
 * | ORCHESTRA_TEMPORAL_METRICS_PORT | off: the Temporal SDK core's own Prometheus endpoint on the worker (HOST) |
 * | OTEL_EXPORTER_OTLP_ENDPOINT | none: tracing off; else spans go there over OTLP/HTTP (the OpenTelemetry variable) |
 */
export interface ObservabilitySettings {
  /** null: no worker metrics endpoint. */
  workerMetricsPort: number | null;
  temporalMetricsPort: number | null;
  otlpEndpoint: string | null;
}

type Env = Record<string, string | undefined>;

function port(env: Env, name: string, fallback: number | null, problems: string[]): number | null {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (value === 'off') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    problems.push(`${name} must be a port (0-65535) or "off", got "${value}"`);
    return fallback;
  }
  return n;
}

export function readObservabilitySettings(env: Env): { settings: ObservabilitySettings; problems: string[] } {
  const problems: string[] = [];
  let otlpEndpoint: string | null = null;
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpoint) {
    try {
      const url = new URL(endpoint);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
      otlpEndpoint = endpoint;
    } catch {
      problems.push(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
    }
  }
  return {
    settings: {
      workerMetricsPort: port(env, 'ORCHESTRA_WORKER_METRICS_PORT', 9464, problems),
      temporalMetricsPort: port(env, 'ORCHESTRA_TEMPORAL_METRICS_PORT', null, problems),
      otlpEndpoint,
    },
    problems,
  };
}
