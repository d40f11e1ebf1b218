/** One entity change seen at flush, before it becomes operations. */
export interface Change {
  /** Entity class name, which is the backends' model name ('SystemUser'). */
  model: string;
  id: string;
  kind: 'create' | 'update' | 'delete';
  /** Names of the properties the flush wrote (empty for create and delete). */
  fields: string[];
  /** The entity as it was flushed; for a delete, the last state it had. */
  entity: object;
  /** For an update, the entity's data as loaded before it (a route's former match: the objects it selected). */
  before?: Record<string, unknown>;
}

/**
 * The changes with the ids of the objects they created. A create has no id when its flush starts; its row is inserted
 * by the time the transaction commits, which is when the collector plans. (Not at afterFlush: a flush outside an
 * explicit transaction commits its own transaction, and so runs the collector, before afterFlush.)
 */
export function withInsertedIds(changes: readonly Change[]): Change[] {
  return changes.map((change) => (change.id && change.id !== 'null' ? change : { ...change, id: String((change.entity as { id: string }).id) }));
}

/** The object an operation is about: (backend, object) with save or delete. */
export interface ObjectChange {
  model: string;
  id: string;
  action: 'save' | 'delete';
  entity: object;
  /** Fields written over the transaction; '*' when every field counts (a create, or a save another change implies). */
  fields: string[];
}

/**
 * Collapses a transaction's changes into one action per object (design §3): saves after saves are one save (the
 * snapshot is taken at commit, so it is the latest); a delete wins over earlier saves; an object created and deleted
 * in the same transaction never reached a server, so it yields nothing.
 */
export function collapseChanges(changes: readonly Change[]): ObjectChange[] {
  const byKey = new Map<string, { first: Change; last: Change; fields: Set<string> }>();
  for (const change of changes) {
    const key = `${change.model}:${change.id}`;
    const seen = byKey.get(key) ?? { first: change, last: change, fields: new Set<string>() };
    seen.last = change;
    for (const field of change.kind === 'update' ? change.fields : ['*']) seen.fields.add(field);
    byKey.set(key, seen);
  }
  const result: ObjectChange[] = [];
  for (const { first, last, fields } of byKey.values()) {
    const base = { model: last.model, id: last.id, entity: last.entity, fields: [...fields] };
    if (last.kind === 'delete') {
      if (first.kind !== 'create') result.push({ ...base, action: 'delete' });
    } else {
      result.push({ ...base, action: 'save' });
    }
  }
  return result;
}
