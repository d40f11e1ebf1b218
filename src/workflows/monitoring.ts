import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { MonitorResourceInput, MonitoringOutcome, ResourceActivities } from './contracts/resources.js';

const { planMonitoring, updateUsage } = proxyActivities<ResourceActivities>({ startToCloseTimeout: '10 minutes', retry: { maximumAttempts: 5 } });
const { runMonitor } = proxyActivities<ResourceActivities>({
  // A monitor script has its own timeout (the SSH runner kills it); transport errors are retried with backoff.
  startToCloseTimeout: '40 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/**
 * One monitoring run of a resource (started by its Schedule, or by `monitorNow`): plan the scripts (one per server
 * and monitor), run them in parallel, then recompute usage and act on limit transitions. Never waits behind a
 * server's configuration queue. Carries the search attributes of the objects it covers.
 */
export async function monitorResourceWorkflow(input: MonitorResourceInput): Promise<MonitoringOutcome> {
  const planned = await planMonitoring(input);
  if (!planned) return { runs: [], objects: 0, exceeded: 0, recovered: 0 };
  upsertSearchAttributes(planned.searchAttributes);
  const runs = await Promise.all(planned.runIds.map((id) => runMonitor(id)));
  const usage = await updateUsage(input);
  return { runs, ...usage };
}
