import { Context } from '@temporalio/activity';
import type { SearchAttributePair } from '@temporalio/common';
import { Resource } from '../../entities/resources/resource.js';
import { TemporalBatchStarter } from '../../orchestration/outbox/temporal-batch-starter.js';
import { applyLimitTransitions } from '../../resources/limit-transitions.js';
import { executeMonitorRun } from '../../resources/execute-monitor-run.js';
import { planMonitorRun } from '../../resources/plan-monitor-run.js';
import { applyScheduleChanges } from '../../resources/resource-schedules.js';
import { compressMonitorData } from '../../resources/retention.js';
import { computeUsage } from '../../resources/usage.js';
import { queueLimitNotices } from '../../resources/limit-notices.js';
import {
  AccountSearchAttribute, BackendSearchAttribute, ObjectSearchAttribute, ServerSearchAttribute, fittingKeywords, objectsSearchValue,
} from '../../temporal/search-attributes.js';
import { runUseCase } from '../../use-cases/run-use-case.js';
import { systemActor } from '../../use-cases/actor.js';
import type { ResourceActivities } from '../../workflows/contracts/resources.js';
import type { ActivityDeps } from '../activity-deps.js';

/** The monitoring workflows' activities: plan, measure, store, recompute usage, keep schedules in step, retention. */
export function resourceActivities(deps: ActivityDeps): ResourceActivities {
  return {
    async planMonitoring(input) {
      const em = deps.orm.em.fork();
      const resource = await em.findOne(Resource, { id: input.resourceId }, { filters: false });
      if (!resource || !resource.isActive) return null;
      const planned = await planMonitorRun(em, resource, input.objectIds);
      const searchAttributes: SearchAttributePair[] = [
        { key: ServerSearchAttribute, value: fittingKeywords(planned.servers) },
        { key: BackendSearchAttribute, value: fittingKeywords([...resource.monitors]) },
        { key: AccountSearchAttribute, value: fittingKeywords(planned.accounts) },
        { key: ObjectSearchAttribute, value: objectsSearchValue(planned.objects) },
      ];
      return { runIds: planned.runIds, searchAttributes };
    },
    async runMonitor(runId) {
      const execution = Context.current().info.workflowExecution;
      const run = await executeMonitorRun(deps.orm.em.fork(), deps.runner, runId, execution);
      return { runId, state: run.state, stored: run.storedCount, malformed: run.malformed.length };
    },
    async updateUsage(input) {
      const em = deps.orm.em.fork();
      const resource = await em.findOne(Resource, { id: input.resourceId }, { filters: false });
      if (!resource) return { objects: 0, exceeded: 0, recovered: 0 };
      const { objects, transitions } = await computeUsage(em, resource, input.objectIds);
      if (transitions.length) {
        const runWorkflowId = Context.current().info.workflowExecution?.workflowId ?? `${deps.taskQueue}-monitor-${resource.id}-${Date.now()}`;
        await queueLimitNotices(em.fork(), deps.temporal, deps.taskQueue, runWorkflowId, resource, transitions);
        const outcome = await runUseCase(em.fork(), systemActor(`schedule:monitor-${resource.name}`), 'resourceLimitTransitions', (uc) =>
          applyLimitTransitions(uc, resource.id, transitions),
        );
        // The worker has no outbox starter of its own: start the saves' batches now rather than at the relay's next tick.
        const starter = new TemporalBatchStarter(deps.temporal, deps.taskQueue, deps.orm.em.fork());
        for (const batchId of outcome.batchIds) await starter.start(batchId);
      }
      return { objects, exceeded: transitions.filter((t) => t.exceeded).length, recovered: transitions.filter((t) => !t.exceeded).length };
    },
    applyScheduleChanges: () => applyScheduleChanges(deps.orm.em.fork(), deps.temporal, deps.taskQueue, 5_000),
    compressMonitorData: () => compressMonitorData(deps.orm.em.fork()),
  };
}
