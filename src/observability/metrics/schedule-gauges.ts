import type { Client } from '@temporalio/client';
import { Gauge, Registry } from 'prom-client';
import { scheduleId, type ScheduleDeclaration } from '../../temporal/schedules/schedule-declaration.js';
import { log, errorMessage } from '../logger.js';

/**
 * Each declared schedule's last run and last success (Unix seconds), read from Temporal when scraped: the schedule's
 * recent actions, and the newest completed workflow it started (`TemporalScheduledById`). Temporal keeps both, so
 * they survive worker restarts and agree across workers. The declarations are the schedule registry's
 * (src/temporal/schedules/index.ts): a schedule added there is covered with no change here.
 */
export function scheduleGaugesRegistry(client: Client, taskQueue: string, declarations: readonly ScheduleDeclaration[]): Registry {
  const registry = new Registry();
  let reading: Promise<{ name: string; lastRun: number | null; lastSuccess: number | null }[]> | null = null;
  const read = () => {
    reading ??= Promise.all(declarations.map((d) => readSchedule(client, scheduleId(taskQueue, d), d.name))).finally(() =>
      setImmediate(() => (reading = null)),
    );
    return reading;
  };
  const gauge = (name: string, help: string, pick: (r: { lastRun: number | null; lastSuccess: number | null }) => number | null) =>
    new Gauge({
      name, help, labelNames: ['schedule'] as const, registers: [registry],
      async collect() {
        this.reset();
        for (const r of await read()) {
          const value = pick(r);
          if (value !== null) this.set({ schedule: r.name }, value);
        }
      },
    });
  gauge('orchestra_schedule_last_run_timestamp_seconds', 'When the schedule last started its workflow (Temporal)', (r) => r.lastRun);
  gauge('orchestra_schedule_last_success_timestamp_seconds', 'When a workflow the schedule started last completed successfully (Temporal)', (r) => r.lastSuccess);
  // Declared, so that "never succeeded" is a visible 0 rather than a missing series an alert cannot see.
  new Gauge({
    name: 'orchestra_schedule_declared', help: 'The schedules this installation declares (1 each)', labelNames: ['schedule'] as const, registers: [registry],
    collect() {
      for (const d of declarations) this.set({ schedule: d.name }, 1);
    },
  });
  return registry;
}

async function readSchedule(client: Client, id: string, name: string) {
  try {
    const description = await client.schedule.getHandle(id).describe();
    const taken = description.info.recentActions.map((a) => a.takenAt.getTime());
    let lastSuccess: number | null = null;
    for await (const execution of client.workflow.list({ query: `TemporalScheduledById = '${id}' AND ExecutionStatus = 'Completed'`, pageSize: 1 })) {
      lastSuccess = (execution.closeTime ?? execution.startTime).getTime() / 1000;
      break;
    }
    return { name, lastRun: taken.length ? Math.max(...taken) / 1000 : null, lastSuccess };
  } catch (err) {
    log.warn({ schedule: id, err: errorMessage(err) }, 'cannot read the schedule for metrics');
    return { name, lastRun: null, lastSuccess: null };
  }
}
