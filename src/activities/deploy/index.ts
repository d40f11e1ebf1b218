import { readFile } from 'node:fs/promises';
import { Server } from '../../entities/orchestration/server.js';
import { deployScript, parseReleases, releasesScript, rollbackScript, setupScript } from '../../deploy/deploy-scripts.js';
import { deployTarget, newReleaseName } from '../../deploy/deploy-target.js';
import { runDeployScript } from '../../deploy/run-deploy-script.js';
import { endpointOf } from '../../orchestration/server-access.js';
import type { DeployActivities } from '../../workflows/contracts/deploy.js';
import type { ActivityDeps } from '../activity-deps.js';

/** Orchestra's own deployment: each action is one script over the SSH pool (the backends' engine and host-key trust). */
export function deployActivities(deps: ActivityDeps): DeployActivities {
  return {
    async runDeployStep(input) {
      const target = deployTarget(input);
      const server = endpointOf(await deps.orm.em.fork().findOneOrFail(Server, { id: input.serverId }));
      let script: string;
      if (input.action === 'setup') script = setupScript(target);
      else if (input.action === 'deploy') script = deployScript(target, newReleaseName(new Date()), await readFile(input.releasePath!));
      else if (input.action === 'rollback') script = rollbackScript(target, input.release ?? null);
      else script = releasesScript(target);
      const step = input.action === 'releases' ? null : await runDeployScript(deps.runner, server, script);
      const listed = await runDeployScript(deps.runner, server, releasesScript(target));
      const releases = listed.ok ? parseReleases(listed.stdout) : [];
      return step ? { ...step, releases } : { ...listed, releases };
    },
  };
}
