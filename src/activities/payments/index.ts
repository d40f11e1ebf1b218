import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { sepaSettings } from '../../config/sepa-settings.js';
import { processWaitingTransactions } from '../../payments/process/process-transactions.js';
import { SepaFileInvalidError } from '../../payments/sepa/validate-sepa-file.js';
import type { PaymentsActivities } from '../../workflows/contracts/payments.js';
import type { ActivityDeps } from '../activity-deps.js';

/** The payments schedule's activity: the waiting SEPA transactions into their files, in one transaction. */
export function paymentsActivities(deps: ActivityDeps): PaymentsActivities {
  return {
    async processWaitingTransactions() {
      try {
        return await deps.orm.em.fork().transactional((tx) => processWaitingTransactions(tx as EntityManager, sepaSettings()));
      } catch (err) {
        if (err instanceof SepaFileInvalidError) throw ApplicationFailure.nonRetryable(err.message, 'SepaFileInvalid');
        throw err;
      }
    },
  };
}
