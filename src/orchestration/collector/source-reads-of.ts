import { findServiceModule } from '../../services/index.js';
import type { SourceRead } from '../../services/source-read.js';
import type { Change } from './change.js';

/** The source reads of the changed objects' plans (services/source-read.ts), each key once: what a commit sends ahead. */
export function sourceReadsOf(changes: readonly Change[]): SourceRead[] {
  const reads = new Map<string, SourceRead>();
  for (const change of changes) {
    for (const read of findServiceModule(change.model)?.sourceReads?.(change.entity as never) ?? []) reads.set(read.key, read);
  }
  return [...reads.values()];
}
