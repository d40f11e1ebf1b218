/**
 * A resource's Temporal Schedule follows the resource: created with it (read back from the dev server), triggering it
 * stores monitor data, a new cron updates it, an inactive resource's is paused, deleting the resource deletes it. The
 * change goes through an outbox: a committed change whose schedule was not applied yet is applied later. The start-up
 * reconcile of declared schedules leaves resource schedules alone.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { MonitorData } from '../src/entities/resources/monitor-data.js';
import { MonitorRun } from '../src/entities/resources/monitor-run.js';
import { ResourceScheduleChange } from '../src/entities/resources/resource-schedule-change.js';
import { applyScheduleChanges, resourceScheduleId } from '../src/resources/resource-schedules.js';
import { createResource } from '../src/resources/resource.use-cases.js';
import { Aggregation } from '../src/resources/aggregations.js';
import { SCHEDULES, reconcileSchedules } from '../src/temporal/schedules/index.js';
import { runUseCase } from '../src/use-cases/run-use-case.js';
import { systemActor } from '../src/use-cases/actor.js';
import { idOf } from '../src/schema/relay/global-id.js';
import { CreateResourceDocument, DeleteResourceDocument, UpdateResourceDocument } from './generated/graphql.js';
import { accountWithUser } from './support/fixtures.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { pollUntil } from './support/resilience.js';

let h: OrchestraHarness;

beforeAll(async () => {
  h = await startOrchestraHarness(['web1']);
  await h.addServer('web1', ['system-users']);
  await h.startWorker();
  await accountWithUser(h.admin, 'carol');
  await h.settle({}, 1, 120_000);
}, 360_000);

afterAll(async () => {
  for await (const s of h.temporal.schedule.list()) {
    if (s.scheduleId.startsWith(`${h.config.temporalTaskQueue}-`)) await h.temporal.schedule.getHandle(s.scheduleId).delete().catch(() => undefined);
  }
  await h?.stopWorker();
  await h?.close();
});

const handleOf = (resourceGid: string) => h.temporal.schedule.getHandle(resourceScheduleId(h.config.temporalTaskQueue, idOf('Resource', resourceGid)));

async function exists(resourceGid: string): Promise<boolean> {
  return handleOf(resourceGid).describe().then(
    () => true,
    (err: unknown) => {
      if (err instanceof ScheduleNotFoundError) return false;
      throw err;
    },
  );
}

test('created, triggered (data stored), updated, paused and deleted in step with the resource', async () => {
  const created = await h.admin.data(CreateResourceDocument, {
    input: { name: 'disk', model: 'SystemUser', aggregation: 'LAST', monitors: ['system-user-disk'], crontab: '0 3 * * *' },
  });
  expect(created.createResource.userErrors).toEqual([]);
  const resource = created.createResource.resource!;
  const described = await handleOf(resource.id).describe();
  expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
  expect(described.state.paused).toBe(false);
  expect(described.action.type).toBe('startWorkflow');
  expect(JSON.stringify(described.spec)).toMatch(/"hour":\[\{"start":3,"end":3,"step":1\}\]/);

  // Triggered, it measures and stores.
  await handleOf(resource.id).trigger();
  const rid = idOf('Resource', resource.id);
  const run = await pollUntil('a monitor run of the schedule', () => h.orm.em.fork().findOne(MonitorRun, { resourceId: rid, state: 'SUCCESS' }), (r) => r !== null, 120_000);
  expect(await h.orm.em.fork().count(MonitorData, { runId: run!.id })).toBeGreaterThan(0);

  const updated = await h.admin.data(UpdateResourceDocument, { input: { id: resource.id, crontab: '30 4 * * 1-5' } });
  expect(updated.updateResource.userErrors).toEqual([]);
  const spec = JSON.stringify((await handleOf(resource.id).describe()).spec);
  expect(spec).toMatch(/"hour":\[\{"start":4,"end":4,"step":1\}\]/);
  expect(spec).toMatch(/"minute":\[\{"start":30,"end":30,"step":1\}\]/);

  await h.admin.data(UpdateResourceDocument, { input: { id: resource.id, isActive: false } });
  expect((await handleOf(resource.id).describe()).state.paused).toBe(true);
  await h.admin.data(UpdateResourceDocument, { input: { id: resource.id, isActive: true } });
  expect((await handleOf(resource.id).describe()).state.paused).toBe(false);

  // The start-up reconcile of declared schedules does not touch it.
  await reconcileSchedules(h.temporal, h.config.temporalTaskQueue, SCHEDULES);
  expect(await exists(resource.id)).toBe(true);

  // No cron: no schedule.
  await h.admin.data(UpdateResourceDocument, { input: { id: resource.id, crontab: null } });
  expect(await exists(resource.id)).toBe(false);
  await h.admin.data(UpdateResourceDocument, { input: { id: resource.id, crontab: '*/10 * * * *' } });
  expect(await exists(resource.id)).toBe(true);

  const deleted = await h.admin.data(DeleteResourceDocument, { id: resource.id });
  expect(deleted.deleteResource.userErrors).toEqual([]);
  expect(await exists(resource.id)).toBe(false);
  expect(await h.orm.em.fork().count(ResourceScheduleChange, { appliedAt: null })).toBe(0);
});

test('a committed change whose schedule was not applied (Temporal unreachable then) is applied later by the relay', async () => {
  const outcome = await runUseCase(h.orm.em.fork(), systemActor('test'), 'createResource', (uc) =>
    createResource(uc, { name: 'later', model: 'Account', aggregation: Aggregation.LAST, crontab: '15 * * * *' }),
  );
  const gid = Buffer.from(`Resource:${outcome.result!.id}`).toString('base64url');
  expect(await exists(gid)).toBe(false);
  expect(await h.orm.em.fork().count(ResourceScheduleChange, { resourceId: outcome.result!.id, appliedAt: null })).toBe(1);
  expect(await applyScheduleChanges(h.orm.em.fork(), h.temporal, h.config.temporalTaskQueue)).toBe(1);
  expect(await exists(gid)).toBe(true);
  expect(await h.orm.em.fork().count(ResourceScheduleChange, { resourceId: outcome.result!.id, appliedAt: null })).toBe(0);
  // Applying again changes nothing.
  expect(await applyScheduleChanges(h.orm.em.fork(), h.temporal, h.config.temporalTaskQueue)).toBe(0);
});
