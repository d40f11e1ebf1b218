import { createHash } from 'node:crypto';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client } from '@temporalio/client';
import { scheduleId, type ScheduleDeclaration } from './schedule-declaration.js';

/** Memo keys that mark a schedule as Orchestra's, with the version of its declaration. */
const MEMO_NAME = 'orchestraSchedule';
const MEMO_VERSION = 'orchestraScheduleVersion';

function versionOf(declaration: ScheduleDeclaration): string {
  return createHash('sha256').update(JSON.stringify(declaration)).digest('hex').slice(0, 16);
}

/**
 * Makes the namespace hold exactly the declared schedules of this installation (task queue): creates the missing
 * ones, recreates those whose declaration changed since they were created (the memo keeps a hash of it), deletes
 * the installation's schedules no longer declared. Idempotent; safe when several workers start at once.
 * Returns what it did, for the start-up log.
 */
export async function reconcileSchedules(client: Client, taskQueue: string, declarations: readonly ScheduleDeclaration[]): Promise<string[]> {
  const done: string[] = [];
  const existing = new Map<string, string>();
  for await (const summary of client.schedule.list()) {
    const name = summary.memo?.[MEMO_NAME];
    if (typeof name === 'string' && summary.scheduleId === scheduleId(taskQueue, { name })) existing.set(name, String(summary.memo?.[MEMO_VERSION] ?? ''));
  }
  for (const declaration of declarations) {
    const id = scheduleId(taskQueue, declaration);
    const version = versionOf(declaration);
    if (existing.get(declaration.name) === version) continue;
    if (existing.has(declaration.name)) {
      await deleteSchedule(client, id);
      done.push(`recreated schedule ${id} (its declaration changed)`);
    } else {
      done.push(`created schedule ${id}`);
    }
    try {
      await client.schedule.create({
        scheduleId: id,
        spec: declaration.spec,
        policies: { overlap: declaration.overlap, catchupWindow: declaration.catchupWindow },
        action: { type: 'startWorkflow', workflowType: declaration.workflowType, taskQueue, args: [] },
        memo: { [MEMO_NAME]: declaration.name, [MEMO_VERSION]: version },
      });
    } catch (err) {
      // Another worker starting at the same moment made it (list() is eventually consistent too).
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
  }
  for (const name of existing.keys()) {
    if (declarations.some((d) => d.name === name)) continue;
    await deleteSchedule(client, scheduleId(taskQueue, { name }));
    done.push(`deleted schedule ${scheduleId(taskQueue, { name })} (no longer declared)`);
  }
  return done;
}

async function deleteSchedule(client: Client, id: string): Promise<void> {
  try {
    await client.schedule.getHandle(id).delete();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
}
