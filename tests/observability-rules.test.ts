/**
 * What deploy/ ships for operators: the alert rules pass `promtool check rules` and fire on their fixtures
 * (`promtool test rules`), the Prometheus configuration is valid, and the rules and the Grafana dashboard name only
 * metrics Orchestra exposes.
 */
import { describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { parse } from 'yaml';
import { processRegistry } from '../src/observability/metrics/process-metrics.js';
import { databaseGaugesRegistry } from '../src/observability/metrics/database-gauges.js';
import { scheduleGaugesRegistry } from '../src/observability/metrics/schedule-gauges.js';
import { SCHEDULES } from '../src/temporal/schedules/index.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const prometheusDir = resolve(root, 'deploy/prometheus');

async function promtool(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd: prometheusDir });
    return stdout + stderr;
  } catch (err) {
    const { stdout, stderr } = err as { stdout: string; stderr: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${stdout}${stderr}`);
  }
}

describe('deploy/prometheus', () => {
  test('the alert rules are valid (promtool check rules)', async () => {
    expect(await promtool('check', 'rules', 'orchestra-rules.yml')).toContain('SUCCESS: 9 rules found');
  });

  test('each alert fires on its fixture and stays silent on the healthy series (promtool test rules)', async () => {
    expect(await promtool('test', 'rules', 'orchestra-rules.test.yml')).toContain('SUCCESS');
  });

  test('every alert of the rules has a fixture', () => {
    const rules = parse(readFileSync(resolve(prometheusDir, 'orchestra-rules.yml'), 'utf8')) as { groups: { rules: { alert: string }[] }[] };
    const tests = parse(readFileSync(resolve(prometheusDir, 'orchestra-rules.test.yml'), 'utf8')) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] };
    const firing = new Set(tests.tests.flatMap((t) => t.alert_rule_test.filter((a) => a.exp_alerts.length).map((a) => a.alertname)));
    expect(rules.groups.flatMap((g) => g.rules.map((r) => r.alert)).filter((name) => !firing.has(name))).toEqual(['OrchestraSshLatencyHigh']);
  });

  test('the Prometheus configuration for docker-compose is valid and scrapes the ports the processes listen on', async () => {
    expect(await promtool('check', 'config', 'prometheus.yml')).toContain('SUCCESS');
    const config = parse(readFileSync(resolve(prometheusDir, 'prometheus.yml'), 'utf8')) as { scrape_configs: { job_name: string; dns_sd_configs: { names: string[]; port: number }[] }[] };
    const targets = Object.fromEntries(config.scrape_configs.map((c) => [c.job_name, `${c.dns_sd_configs[0]!.names[0]}:${c.dns_sd_configs[0]!.port}`]));
    const compose = parse(readFileSync(resolve(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { environment: Record<string, string>; volumes?: string[] }> };
    expect(targets).toEqual({
      'orchestra-api': `api:${compose.services.api!.environment.PORT}`,
      'orchestra-worker': `worker:${compose.services.worker!.environment.ORCHESTRA_WORKER_METRICS_PORT}`,
      'temporal-sdk': `worker:${compose.services.worker!.environment.ORCHESTRA_TEMPORAL_METRICS_PORT}`,
    });
    expect(compose.services.prometheus!.volumes).toContain('./deploy/prometheus:/etc/prometheus:ro');
  });
});

test('the rules and the dashboard use only metrics Orchestra exposes', async () => {
  const registries = [processRegistry, databaseGaugesRegistry({} as EntityManager), scheduleGaugesRegistry({} as Client, 'q', SCHEDULES)];
  const exposed = new Set(registries.flatMap((r) => r.getMetricsAsArray().map((m) => m.name)));
  const used = (text: string) => [...new Set([...text.matchAll(/\borchestra_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')))];
  const rules = used(readFileSync(resolve(prometheusDir, 'orchestra-rules.yml'), 'utf8'));
  const dashboard = JSON.parse(readFileSync(resolve(root, 'deploy/grafana/dashboards/orchestra.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
  const panels = used(dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n'));
  expect(rules.length).toBeGreaterThan(5);
  expect(panels.length).toBeGreaterThan(10);
  expect([...rules, ...panels].filter((name) => !exposed.has(name))).toEqual([]);
});
