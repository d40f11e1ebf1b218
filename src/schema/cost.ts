import { Extensions } from 'type-graphql';

/**
 * What fields cost in the query cost limit (src/schema/limits.ts), priced by what they do. A plain field costs 1 (a
 * column, or a load the loaders batch); the fields below do work outside the database, so one request cannot start
 * hundreds of them by aliasing. With the default limit (50000): 5 health checks, or a page of 100 servers with their
 * status and presented host key.
 */
export const FIELD_COST = {
  /** Starts a workflow and waits for a worker's round trip to the database (systemHealth). */
  workflowRoundTrip: 10_000,
  /** Opens a new SSH connection just for this (presentedHostKey, trustServerHostKey). */
  sshHandshake: 200,
  /** Runs a command over a server's pooled SSH connection (status). */
  sshCommand: 100,
  /** Hashes a password with scrypt (32 MiB, ~0.1 s of CPU). */
  passwordHash: 1_000,
  /** Renders a document with an external converter (a bill's PDF with weasyprint, ~1 s of CPU). */
  documentRender: 1_000,
  /** Any mutation without a price of its own: a transaction, an audit entry, maybe a workflow start after commit. */
  mutation: 100,
} as const;

/** Prices a field: the cost rule reads `extensions.cost`. */
export function Cost(cost: number): ReturnType<typeof Extensions> {
  return Extensions({ cost });
}

/** A field's price: its own (`extensions.cost`), else 100 for a mutation and 1 for anything else. */
export function fieldCost(extensions: { cost?: unknown } | null | undefined, parentIsMutationRoot: boolean): number {
  if (typeof extensions?.cost === 'number') return extensions.cost;
  return parentIsMutationRoot ? FIELD_COST.mutation : 1;
}
