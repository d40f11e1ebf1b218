// The contract of Orchestra's own deployment workflow (src/deploy/): names, data and activities.

export const DEPLOY_WORKFLOW = 'deployWorkflow';

export type DeployAction = 'setup' | 'deploy' | 'rollback' | 'releases';

export interface DeployInput {
  action: DeployAction;
  /** The Server (database id) to act on: its address and pinned host key. */
  serverId: string;
  role: string;
  env: string;
  /** rollback: the release to go back to (none: the last good one before the current). */
  release?: string | null;
  /** deploy: the release's .tar.gz on the worker's host (e.g. made by `npm pack` or a tar of the built tree). */
  releasePath?: string | null;
}

export interface ReleaseInfo {
  name: string;
  current: boolean;
  failed: boolean;
}

export interface DeployOutcome {
  ok: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The server's releases after the action. */
  releases: ReleaseInfo[];
}

export function deployWorkflowId(taskQueue: string, env: string, role: string, serverId: string, unique: string): string {
  return `${taskQueue}-deploy-${env}-${role}-${serverId}-${unique}`;
}

export interface DeployActivities {
  /** Runs the action's script on the server over the SSH pool, then lists its releases. */
  runDeployStep(input: DeployInput): Promise<DeployOutcome>;
}
