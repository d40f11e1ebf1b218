import type { PlannedGroup } from './plan.js';

/** A planned group as operators preview it: where, which backend, the exact script, and what it does. */
export interface RenderedPlan {
  serverName: string;
  backend: string;
  script: string;
  operations: { action: string; model: string; objectId: string; objectLabel: string }[];
}

/** Renders planned groups the way the outbox would (with placeholder operation ids), without writing anything. */
export function renderPlan(groups: readonly PlannedGroup[]): RenderedPlan[] {
  return groups.map((group) => ({
    serverName: group.server.name,
    backend: group.backend.name,
    script: group.backend.render(
      group.operations.map((op, i) => ({
        operationId: `preview-${i + 1}`,
        action: op.action,
        model: op.model,
        objectId: op.objectId,
        snapshot: op.snapshot,
      })),
    ),
    operations: group.operations.map((op) => ({ action: op.action, model: op.model, objectId: op.objectId, objectLabel: op.label })),
  }));
}
