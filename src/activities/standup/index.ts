import { Operation } from '../../entities/orchestration/operation.js';
import type { AccountSetupActivities } from '../../workflows/contracts/account-setup.js';
import type { ActivityDeps } from '../activity-deps.js';

/** The account set-up workflow's activities: it reads operation states, nothing more. */
export function standupActivities(deps: ActivityDeps): AccountSetupActivities {
  return {
    async setupOperationStates(batchIds) {
      const rows = await deps.orm.em.fork().find(Operation, { batch: { $in: batchIds } }, { fields: ['id', 'state'], orderBy: { id: 'asc' } });
      return rows.map((op) => ({ id: op.id, state: op.state }));
    },
  };
}
