import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/config.js';
import type { Viewer } from '../auth/viewer.js';
import type { AuditNote } from './audit/audit-note.js';
import type { Loaders } from './loaders.js';
import type { ServerAccess } from '../orchestration/server-access.js';

/** What every resolver gets. `em` is already scoped to what the viewer may see (src/auth/tenant-scope.ts). */
export interface Context {
  em: EntityManager;
  viewer: Viewer;
  config: Config;
  temporal: Client;
  loaders: Loaders;
  servers: ServerAccess;
  request: { clientAddress: string | null; userAgent: string | null };
  /** Filled by mutations, written to the audit log by the audit middleware. */
  audit: AuditNote;
}
