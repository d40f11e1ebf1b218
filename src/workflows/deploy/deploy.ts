import { proxyActivities } from '@temporalio/workflow';
import type { DeployActivities, DeployInput, DeployOutcome } from '../contracts/deploy.js';

const { runDeployStep } = proxyActivities<DeployActivities>({
  // A deploy installs dependencies and waits for a health check.
  startToCloseTimeout: '30 minutes',
  // Not retried: a deploy that lost its connection half-way may have switched releases; an operator looks first
  // (its outcome and the server's releases are in this history).
  retry: { maximumAttempts: 1 },
});

/** One deployment action (setup, deploy, rollback, releases) of one role and environment on one server, with its history. */
export async function deployWorkflow(input: DeployInput): Promise<DeployOutcome> {
  return await runDeployStep(input);
}
