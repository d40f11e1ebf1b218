import type { EntityManager } from '@mikro-orm/postgresql';
import { savesImpliedBy } from '../../services/index.js';
import type { Change } from './change.js';
import { firstOfEachSyncKey } from './first-of-each-sync-key.js';

/**
 * The saves a transaction's updates imply, as the service modules declare them (`savedWhen`): an account disabled
 * re-renders its services, a system user disabled its crontab; creates and deletes only where a module asks
 * (`onCreate`: a mailbox's first disk allocation; `onDelete`: a web route deleted, the servers its sites keep).
 * Every field of such a save counts (`*`); objects sharing a sync key get one save.
 */
export async function impliedSaves(em: EntityManager, changes: readonly Change[]): Promise<Change[]> {
  const implied: Change[] = [];
  const first = firstOfEachSyncKey();
  for (const change of changes) {
    for (const { module, save } of savesImpliedBy(change.model)) {
      if (change.kind === 'create' && !save.onCreate) continue;
      if (change.kind === 'delete' && !save.onDelete) continue;
      if (change.kind === 'update' && !save.fields.some((f) => f === '*' || change.fields.includes(f))) continue;
      for (const entity of await save.objects(em, change.entity as { id: string }, { kind: change.kind, before: change.before })) {
        // One save per sync key: an account disabled with thousands of crontab lines is one save per user.
        if (!first(module, entity)) continue;
        implied.push({ model: module.model, id: entity.id, kind: 'update', fields: ['*'], entity });
      }
    }
  }
  return implied;
}
