import type { EntityManager } from '@mikro-orm/postgresql';
import { savesImpliedBy } from '../../services/index.js';
import type { Change } from './change.js';

/**
 * The saves a transaction's updates imply, as the service modules declare them (`savedWhen`): an account disabled
 * re-renders its services, a system user disabled its crontab. Every field of such a save counts (`*`).
 */
export async function impliedSaves(em: EntityManager, changes: readonly Change[]): Promise<Change[]> {
  const implied: Change[] = [];
  for (const change of changes) {
    if (change.kind !== 'update') continue;
    for (const { module, save } of savesImpliedBy(change.model)) {
      if (!save.fields.some((f) => f === '*' || change.fields.includes(f))) continue;
      for (const entity of await save.objects(em, change.entity as { id: string })) {
        implied.push({ model: module.model, id: entity.id, kind: 'update', fields: ['*'], entity });
      }
    }
  }
  return implied;
}
