import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { Gauge, Registry } from 'prom-client';
import { scheduleId, type ScheduleDeclaration } from '../../temporal/schedules/schedule-declaration.js';
import { log, errorMessage } from '../logger.js';

/**
 * How long one reading of the schedules serves scrapes. Each reading costs Temporal calls per schedule (a describe and
 * a visibility query), so every scraper of every worker would otherwise multiply them; the schedules run every minute
 * or less often and their alerts wait hours, so half a minute old is fresh enough.
 */
export const SCHEDULE_READING_MAX_AGE_MS = 30_000;

interface ScheduleReading { name: string; present: boolean | null; lastRun: number | null; lastSuccess: number | null }

/**
 * Each declared schedule's last run and last success (Unix seconds), read from Temporal: the schedule's recent actions,
 * and the newest completed workflow it started (`TemporalScheduledById`). Temporal keeps both, so they survive worker
 * restarts and agree across workers. The declarations are the schedule registry's (src/temporal/schedules/index.ts): a
 * schedule added there is covered with no change here. A reading younger than `maxAgeMs` is reused by the scrapes.
 */
export function scheduleGaugesRegistry(
  client: Client,
  taskQueue: string,
  declarations: readonly ScheduleDeclaration[],
  options: { maxAgeMs?: number } = {},
): Registry {
  const maxAgeMs = options.maxAgeMs ?? SCHEDULE_READING_MAX_AGE_MS;
  const registry = new Registry();
  const warned = new Map<string, string>();
  let reading: Promise<ScheduleReading[]> | null = null;
  let readAt = 0;
  let inFlight = false;
  // The gauges of one scrape, and scrapes while a reading is under way or young, share it.
  const read = () => {
    if (reading && (inFlight || Date.now() - readAt < maxAgeMs)) return reading;
    readAt = Date.now();
    inFlight = true;
    // readSchedule never rejects (an unreadable schedule reads as unknown), so a kept reading is never a failure.
    reading = Promise.all(declarations.map((d) => readSchedule(client, scheduleId(taskQueue, d), d.name, warned))).finally(() => {
      inFlight = false;
    });
    return reading;
  };
  const gauge = (name: string, help: string, pick: (r: ScheduleReading) => number | null) =>
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
  // A declared schedule Temporal does not have (never reconciled, or deleted) is a state to see and alert on, not a
  // warning line at every scrape.
  gauge('orchestra_schedule_present', 'Whether Temporal has the declared schedule: 1, or 0 when it does not exist (Temporal)', (r) => (r.present === null ? null : Number(r.present)));
  // Declared, so that "never succeeded" is a visible 0 rather than a missing series an alert cannot see.
  new Gauge({
    name: 'orchestra_schedule_declared', help: 'The schedules this installation declares (1 each)', labelNames: ['schedule'] as const, registers: [registry],
    collect() {
      for (const d of declarations) this.set({ schedule: d.name }, 1);
    },
  });
  return registry;
}

/** One schedule's reading; an error other than "not found" is logged once while it lasts (`warned`: id → message). */
async function readSchedule(client: Client, id: string, name: string, warned: Map<string, string>): Promise<ScheduleReading> {
  try {
    const description = await client.schedule.getHandle(id).describe();
    const taken = description.info.recentActions.map((a) => a.takenAt.getTime());
    let lastSuccess: number | null = null;
    for await (const execution of client.workflow.list({ query: `TemporalScheduledById = '${id}' AND ExecutionStatus = 'Completed'`, pageSize: 1 })) {
      lastSuccess = (execution.closeTime ?? execution.startTime).getTime() / 1000;
      break;
    }
    warned.delete(id);
    return { name, present: true, lastRun: taken.length ? Math.max(...taken) / 1000 : null, lastSuccess };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) {
      warned.delete(id);
      return { name, present: false, lastRun: null, lastSuccess: null };
    }
    const message = errorMessage(err);
    if (warned.get(id) !== message) log.warn({ schedule: id, err: message }, 'cannot read the schedule for metrics');
    warned.set(id, message);
    return { name, present: null, lastRun: null, lastSuccess: null };
  }
}
