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
  for (const declaration of declarations) {
    const id = scheduleId(taskQueue, declaration);
    const version = versionOf(declaration);
    // describe() is consistent (list() is not): a schedule just created is seen here.
    const existing = await versionOfExisting(client, id);
    if (existing === version) continue;
    if (existing !== null) {
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
      // Another worker starting at the same moment made it.
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
  }
  // Ours and no longer declared (list() may lag a little: a deletion then waits for the next start).
  for await (const summary of client.schedule.list()) {
    const name = summary.memo?.[MEMO_NAME];
    if (typeof name !== 'string' || summary.scheduleId !== scheduleId(taskQueue, { name })) continue;
    if (declarations.some((d) => d.name === name)) continue;
    await deleteSchedule(client, summary.scheduleId);
    done.push(`deleted schedule ${summary.scheduleId} (no longer declared)`);
  }
  return done;
}

/** The declaration version an existing schedule was made from ('' if not ours), or null if there is none. */
async function versionOfExisting(client: Client, id: string): Promise<string | null> {
  try {
    const description = await client.schedule.getHandle(id).describe();
    return String(description.memo?.[MEMO_VERSION] ?? '');
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return null;
    throw err;
  }
}

async function deleteSchedule(client: Client, id: string): Promise<void> {
  try {
    await client.schedule.getHandle(id).delete();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
}
