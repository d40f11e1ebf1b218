import { noteTouched } from '../../audit/audit-note.js';
import type { Server } from '../../entities/orchestration/server.js';
import { UserInputError } from '../../errors/user-input-error.js';
import type { UseCase } from '../../use-cases/use-case.js';
import { findBackend } from '../backends/registry.js';
import { findServer } from '../find-server.js';
import { writeOutbox } from '../outbox/write-outbox.js';
import { lockServers } from '../outbox/server-locks.js';
import { planServerSync } from '../sync.js';

/**
 * Regenerates a server's whole configuration for one backend (or all) from the database and queues it: repairs
 * drift, fills a new server. Returns the server and the batch written (null when no route selects anything there).
 */
export async function syncServer({ em, actor, audit }: UseCase, serverId: string, backend?: string | null): Promise<{ server: Server; batchId: string | null }> {
  if (backend && !findBackend(backend)) throw new UserInputError('backend', 'is not a backend');
  const server = await findServer(em, serverId, 'serverId');
  noteTouched(audit, null, serverId);
  // Locked before the snapshots are read, so they include every change committed ahead of this sync there.
  await lockServers(em, [server.id]);
  const groups = await planServerSync(em, server.id, backend ?? undefined);
  return { server, batchId: groups.length ? await writeOutbox(em, groups, actor.name) : null };
}
