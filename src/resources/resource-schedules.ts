import type { EntityManager } from '@mikro-orm/postgresql';
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { Resource } from '../entities/resources/resource.js';
import { ResourceScheduleChange } from '../entities/resources/resource-schedule-change.js';
import { MONITOR_RESOURCE_WORKFLOW, type MonitorResourceInput } from '../workflows/contracts/resources.js';

/**
 * A resource's Temporal Schedule, kept in step with the resource through an outbox (ResourceScheduleChange): the use
 * case writes a change in the resource's own transaction; after commit the API applies it, and if Temporal was down
 * the `resource-schedule-relay` schedule does within a minute. Applying reads the resource as committed then:
 * a resource with a cron has a schedule (paused while inactive), one without a cron or deleted has none.
 *
 * Ids `<task queue>-resource-monitor-<id>` and no `orchestraSchedule` memo: the start-up reconcile of declared
 * schedules (src/temporal/schedules/reconcile-schedules.ts) deletes only declared ones, never these.
 */
export function resourceScheduleId(taskQueue: string, resourceId: string): string {
  return `${taskQueue}-resource-monitor-${resourceId}`;
}

/** The workflow id of a scheduled run (Temporal appends the scheduled time) and of `monitorNow` runs' prefix. */
export function monitorWorkflowIdPrefix(taskQueue: string, resourceId: string): string {
  return `${taskQueue}-monitor-${resourceId}`;
}

/** Records that a resource's schedule must be brought in step (inside the use case's transaction). */
export function noteScheduleChange(em: EntityManager, resourceId: string): void {
  em.create(ResourceScheduleChange, { resourceId, createdAt: new Date() });
}

export async function syncResourceSchedule(client: Client, taskQueue: string, resourceId: string, resource: Resource | null): Promise<string> {
  const id = resourceScheduleId(taskQueue, resourceId);
  const handle = client.schedule.getHandle(id);
  if (!resource || !resource.crontab) {
    try {
      await handle.delete();
      return 'deleted';
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return 'absent';
      throw err;
    }
  }
  const args: [MonitorResourceInput] = [{ resourceId }];
  const spec = { cronExpressions: [resource.crontab] };
  const action = { type: 'startWorkflow' as const, workflowType: MONITOR_RESOURCE_WORKFLOW, workflowId: monitorWorkflowIdPrefix(taskQueue, resourceId), taskQueue, args };
  const note = `resource ${resource.model}.${resource.name}${resource.isActive ? '' : ' is inactive'}`;
  try {
    await handle.update((previous) => ({
      ...previous,
      spec,
      action,
      policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.SKIP },
      state: { ...previous.state, paused: !resource.isActive, note },
    }));
    return 'updated';
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  await client.schedule.create({
    scheduleId: id,
    spec,
    action,
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '5 minutes' },
    state: { paused: !resource.isActive, note },
    memo: { orchestraResource: resourceId },
  });
  return 'created';
}

/**
 * Applies the pending schedule changes (oldest first; those younger than `minAgeMs` are left to the request that
 * committed them) and marks them applied. Returns how many resources it brought in step.
 */
export async function applyScheduleChanges(em: EntityManager, client: Client, taskQueue: string, minAgeMs = 0): Promise<number> {
  const pending = await em.find(
    ResourceScheduleChange,
    { appliedAt: null, createdAt: { $lte: new Date(Date.now() - minAgeMs) } },
    { orderBy: { id: 'asc' }, limit: 500, filters: false },
  );
  const latest = new Map<string, string>();
  for (const change of pending) latest.set(change.resourceId, change.id);
  for (const [resourceId, lastId] of latest) {
    const resource = await em.findOne(Resource, { id: resourceId }, { filters: false, refresh: true });
    await syncResourceSchedule(client, taskQueue, resourceId, resource);
    await em.nativeUpdate(ResourceScheduleChange, { resourceId, id: { $lte: lastId }, appliedAt: null }, { appliedAt: new Date() }, { filters: false });
  }
  return latest.size;
}
