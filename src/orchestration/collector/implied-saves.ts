import type { EntityManager } from '@mikro-orm/postgresql';
import { savesImpliedBy } from '../../services/index.js';
import type { Change } from './change.js';
import { firstOfEachSyncKey } from './first-of-each-sync-key.js';

/**
 * The saves a transaction's updates imply, as the service modules declare them (`savedWhen`): an account disabled
 * re-renders its services, a system user disabled its crontab; creates only where a module asks (`onCreate`: a
 * mailbox's first disk allocation). Every field of such a save counts (`*`); objects sharing a sync key get one save.
 */
export async function impliedSaves(em: EntityManager, changes: readonly Change[]): Promise<Change[]> {
  const implied: Change[] = [];
  const first = firstOfEachSyncKey();
  for (const change of changes) {
    if (change.kind !== 'update' && change.kind !== 'create') continue;
    for (const { module, save } of savesImpliedBy(change.model)) {
      if (change.kind === 'create' ? !save.onCreate : !save.fields.some((f) => f === '*' || change.fields.includes(f))) continue;
      for (const entity of await save.objects(em, change.entity as { id: string })) {
        // One save per sync key: an account disabled with thousands of crontab lines is one save per user.
        if (!first(module, entity)) continue;
        implied.push({ model: module.model, id: entity.id, kind: 'update', fields: ['*'], entity });
      }
    }
  }
  return implied;
}
