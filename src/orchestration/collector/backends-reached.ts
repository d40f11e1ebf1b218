import type { Backend } from '../backends/backend.js';
import { backendsForModel } from '../backends/registry.js';
import { savesImpliedBy } from '../../services/index.js';
import type { Change } from './change.js';

/**
 * Every backend a transaction's changes could plan for, whatever their snapshots say: the backends of the changed
 * models and of the models whose saves those changes may imply. (A superset of what planGroups uses: read before the
 * plan, it names every server the plan could select.)
 */
export function backendsReachedBy(changes: readonly Change[]): Backend[] {
  const models = new Set<string>();
  for (const change of changes) {
    models.add(change.model);
    for (const { module } of savesImpliedBy(change.model)) models.add(module.model);
  }
  return [...new Set([...models].flatMap((model) => backendsForModel(model)))];
}
