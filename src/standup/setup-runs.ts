import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config/config.js';
import { Operation } from '../entities/orchestration/operation.js';
import { AccountSearchAttribute, ServerSearchAttribute, fittingKeywords } from '../temporal/search-attributes.js';
import { workflowHistoryUrl } from '../temporal/ui-links.js';
import {
  ACCOUNT_SETUP_WORKFLOW, accountSetupWorkflowId, type AccountSetupInput, type AccountSetupResult, type SetupAction,
} from '../workflows/contracts/account-setup.js';

/** Where a set-up run is: running, or its outcome; ABORTED when its workflow ended without one (terminated by an operator). */
export type SetupRunStatus = 'RUNNING' | 'READY' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface SetupRun {
  id: string;
  action: SetupAction;
  accountUsername: string;
  status: SetupRunStatus;
  batchIds: string[];
  /** Known once it ended (from its result); while it runs, read the operations' states. */
  result: AccountSetupResult | null;
  workflowUrl: string;
}

/** What a set-up run keeps in its memo, so it can be read by id without a worker (a query would need one). */
interface SetupMemo {
  action: SetupAction;
  accountUsername: string;
  batchIds: string[];
}

export const SETUP_TIMEOUT_MAX_SECONDS = 86_400;

/**
 * Starts the workflow that waits for a committed stand-up's or tear-down's operations, with the account's (and the
 * servers') search attributes, after the commit. Returns its id.
 */
export async function startSetupRun(
  temporal: Client,
  config: Pick<Config, 'temporalTaskQueue'>,
  em: EntityManager,
  input: AccountSetupInput,
): Promise<string> {
  const workflowId = accountSetupWorkflowId(config.temporalTaskQueue, input.action, input.accountUsername, randomUUID());
  const ops = input.batchIds.length ? await em.fork().find(Operation, { batch: { $in: input.batchIds } }, { populate: ['server'] }) : [];
  const servers = [...new Set(ops.map((op) => op.server.getEntity().name))].sort();
  const memo: SetupMemo = { action: input.action, accountUsername: input.accountUsername, batchIds: input.batchIds };
  await temporal.workflow.start(ACCOUNT_SETUP_WORKFLOW, {
    workflowId,
    taskQueue: config.temporalTaskQueue,
    args: [input],
    memo: memo as unknown as Record<string, unknown>,
    typedSearchAttributes: [
      { key: AccountSearchAttribute, value: [input.accountUsername] },
      ...(servers.length ? [{ key: ServerSearchAttribute, value: fittingKeywords(servers) }] : []),
    ],
  });
  return workflowId;
}

/** A set-up run by its workflow id, or null when there is none (of this installation: ids carry the task queue). */
export async function readSetupRun(temporal: Client, config: Pick<Config, 'temporalTaskQueue' | 'temporalUiUrl' | 'temporalNamespace'>, id: string): Promise<SetupRun | null> {
  if (!id.startsWith(`${config.temporalTaskQueue}-standup-`) && !id.startsWith(`${config.temporalTaskQueue}-teardown-`)) return null;
  const handle = temporal.workflow.getHandle(id);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
  // An empty list does not come back from the memo (seen with the dev server): none is no batches.
  const memo = description.memo as unknown as SetupMemo;
  const workflowUrl = workflowHistoryUrl(config.temporalUiUrl, config.temporalNamespace, id, description.runId);
  const base = { id, action: memo.action, accountUsername: memo.accountUsername, batchIds: memo.batchIds ?? [], workflowUrl };
  switch (description.status.name) {
    case 'RUNNING':
      return { ...base, status: 'RUNNING', result: null };
    case 'COMPLETED': {
      const result = (await handle.result()) as AccountSetupResult;
      return { ...base, status: result.outcome, result };
    }
    default:
      return { ...base, status: 'ABORTED', result: null };
  }
}
