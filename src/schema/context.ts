import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/config.js';
import type { Viewer } from '../auth/viewer.js';
import type { AuditNote } from '../audit/audit-note.js';
import type { Loaders } from './loaders.js';
import type { ServerAccess } from '../orchestration/server-access.js';
import type { BatchStarter } from '../orchestration/outbox/batch-starter.js';
import type { RunStateFeed } from '../orchestration/run-state-feed.js';

/** What every resolver gets. `em` is already scoped to what the viewer may see (src/auth/tenant-scope.ts). */
export interface Context {
  em: EntityManager;
  viewer: Viewer;
  config: Config;
  temporal: Client;
  loaders: Loaders;
  servers: ServerAccess;
  /** Starts batches written outside the collector (retries, syncs); the relay is the safety net. */
  starter: BatchStarter;
  /** Run-state changes as they commit (subscriptions). */
  runStates: RunStateFeed;
  request: { clientAddress: string | null; userAgent: string | null };
  /** Set from a mutation's `dryRun` argument: plan, save nothing (src/schema/mutation.ts). */
  dryRun?: boolean;
  /** The mutation being resolved (set by the audit wrapper of mutation root fields): its name and input fields. */
  mutation?: { name: string; inputFields: string[]; attemptedUsername: string | null };
  /** Filled by mutations; written to the audit log by the use case runner, or else by the audit wrapper. */
  audit: AuditNote;
}
