import type { WebActivities } from '../../workflows/contracts/web.js';
import { orchestrateObjects } from '../../orchestration/use-cases/orchestrate-objects.js';
import { TemporalBatchStarter } from '../../orchestration/outbox/temporal-batch-starter.js';
import { runUseCase } from '../../use-cases/run-use-case.js';
import { systemActor } from '../../use-cases/actor.js';
import { acmeCertificatesBackend } from '../../orchestration/backends/acme-certificates/acme-certificates.backend.js';
import type { ActivityDeps } from '../activity-deps.js';

/** The web schedules' activities. */
export function webActivities(deps: ActivityDeps): WebActivities {
  return {
    /**
     * A save of every https website's certificate, as the `orchestrate` command would queue it: one script per server,
     * in which each site's certificate is renewed only if it expires within the renewal threshold (the server reads
     * it), and nginx reloads once where one was.
     */
    async renewCertificates() {
      const outcome = await runUseCase(deps.orm.em.fork(), systemActor('schedule:websites.renew-certificates'), 'renewCertificates', (uc) =>
        orchestrateObjects(uc, { model: acmeCertificatesBackend.model, filters: [], backend: acmeCertificatesBackend.name, dryRun: false }),
      );
      const starter = new TemporalBatchStarter(deps.temporal, deps.taskQueue, deps.orm.em.fork());
      for (const batchId of outcome.batchIds) await starter.start(batchId);
      return { batchId: outcome.result ?? null };
    },
  };
}
