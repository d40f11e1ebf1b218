import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SearchAttributePair } from '@temporalio/common';
import { Batch } from '../../entities/orchestration/batch.js';
import { Operation } from '../../entities/orchestration/operation.js';
import {
  AccountSearchAttribute, BackendSearchAttribute, ObjectSearchAttribute, ServerSearchAttribute, objectsSearchValue,
} from '../../temporal/search-attributes.js';
import type { batchWorkflow } from '../../workflows/batch.js';
import { batchWorkflowId } from '../../workflows/workflow-ids.js';
import type { BatchStarter } from './batch-starter.js';

export { batchWorkflowId } from '../../workflows/workflow-ids.js';

/**
 * Starts `<queue>-batch-<id>`. The id makes it idempotent: the relay and the committing request may both try, and the second
 * start finds the first (REJECT_DUPLICATE also refuses to run a finished batch again).
 */
export class TemporalBatchStarter implements BatchStarter {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly em: EntityManager,
  ) {}

  async start(batchId: string): Promise<void> {
    try {
      await this.client.workflow.start<typeof batchWorkflow>('batchWorkflow', {
        workflowId: batchWorkflowId(this.taskQueue, batchId),
        taskQueue: this.taskQueue,
        args: [{ batchId }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: await this.searchAttributes(batchId),
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    await this.em.fork().nativeUpdate(Batch, { id: batchId, startedAt: null }, { startedAt: new Date() });
  }

  /** What the batch is about, so it is found in the Temporal UI like its runs (`OrchestraAccounts = 'alice'`). */
  private async searchAttributes(batchId: string): Promise<SearchAttributePair[]> {
    const ops = await this.em.fork().find(Operation, { batch: batchId }, { populate: ['server'], filters: false });
    const distinct = (values: string[]) => [...new Set(values.filter(Boolean))];
    const accounts = distinct(ops.map((o) => o.accountUsername));
    const servers = distinct(ops.map((o) => o.server.getEntity().name));
    const backends = distinct(ops.map((o) => o.backend));
    return [
      { key: AccountSearchAttribute, value: accounts },
      { key: ObjectSearchAttribute, value: objectsSearchValue(ops) },
      { key: ServerSearchAttribute, value: servers },
      { key: BackendSearchAttribute, value: backends },
    ];
  }
}
