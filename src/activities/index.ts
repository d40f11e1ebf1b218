import type { ActivityDeps } from './activity-deps.js';
import { orchestrationActivities } from './orchestration/index.js';
import { mailActivities } from './mail/index.js';
import { resourceActivities } from './resources/index.js';
import { systemActivities } from './system/index.js';
import { billingActivities } from './billing/index.js';
import { standupActivities } from './standup/index.js';
import { deployActivities } from './deploy/index.js';
import { invoicingActivities } from './invoicing/index.js';
import { paymentsActivities } from './payments/index.js';
import { billEmailActivities } from './bill-email/index.js';
import { webActivities } from './web/index.js';

export type { ActivityDeps } from './activity-deps.js';

/**
 * The activity groups the worker registers, one per domain, each built from the worker's dependencies (the factory
 * style of temporalio/samples-typescript). A domain adds its group here; workflows see only the contracts
 * (src/workflows/contracts/), never this module.
 */
const ACTIVITY_GROUPS = [systemActivities, orchestrationActivities, resourceActivities, mailActivities, billingActivities, standupActivities, deployActivities, invoicingActivities, paymentsActivities, billEmailActivities, webActivities] as const;

export function createActivities(deps: ActivityDeps): Record<string, (...args: never[]) => Promise<unknown>> {
  const activities: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const group of ACTIVITY_GROUPS) {
    for (const [name, fn] of Object.entries(group(deps))) {
      if (name in activities) throw new Error(`two activity groups define ${name}`);
      activities[name] = fn;
    }
  }
  return activities;
}
