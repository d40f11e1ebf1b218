import type { ServiceModule } from '../../services/index.js';

/**
 * A filter remembering sync keys: true for the first object of each (module, sync key), and for every object of a
 * module without one. Objects sharing a key render the same configuration (each line of a crontab carries its
 * user's whole crontab), so one save of them re-renders it; one per object would snapshot it once per object.
 */
export function firstOfEachSyncKey(): (module: ServiceModule, entity: { id: string }) => boolean {
  const seen = new Set<string>();
  return (module, entity) => {
    if (!module.syncKey) return true;
    const key = `${module.model}:${module.syncKey(entity as never)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
}
