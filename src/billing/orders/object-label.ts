/** Fields that name an object, in order of preference, for the order's label. */
const NAMING_FIELDS = ['username', 'name', 'identifier', 'command', 'description'];

/** A short label of a billed object ("alice", "example.com"), kept on its order after the object is deleted. */
export function objectLabelOf(model: string, entity: Record<string, unknown>): string {
  for (const field of NAMING_FIELDS) {
    const value = entity[field];
    if (typeof value === 'string' && value.trim()) return value.slice(0, 256);
  }
  return `${model} ${String(entity.id)}`;
}
