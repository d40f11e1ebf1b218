import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Batch } from '../../entities/orchestration/batch.js';
import type { batchWorkflow } from '../../workflows/batch.js';
import type { BatchStarter } from './batch-starter.js';

export function batchWorkflowId(batchId: string): string {
  return `batch-${batchId}`;
}

/**
 * Starts `batch-<id>`. The id makes it idempotent: the relay and the committing request may both try, and the second
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
        workflowId: batchWorkflowId(batchId),
        taskQueue: this.taskQueue,
        args: [{ batchId }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    await this.em.fork().nativeUpdate(Batch, { id: batchId, startedAt: null }, { startedAt: new Date() });
  }
}
