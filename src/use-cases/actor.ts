/**
 * Who a use case acts for: a user through the API, or Orchestra itself (the `orchestrate` command, a schedule). It is
 * what operations show as their batch's actor and what the audit log records.
 */
export interface Actor {
  /** A username, or a name for Orchestra itself (`orchestrate`, `schedule:invoicing`). */
  name: string;
  userId: string | null;
  apiTokenId: string | null;
  /** The actor's own account (rules such as "you cannot delete your own account"); null for Orchestra itself. */
  accountId: string | null;
  /** Whether it may do what only administrators may: Orchestra itself may. */
  isAdmin: boolean;
  /** Where the request came from, when there was one. */
  clientAddress: string | null;
  userAgent: string | null;
}

/** Orchestra acting by itself: the CLI, a scheduled workflow. */
export function systemActor(name: string): Actor {
  return { name, userId: null, apiTokenId: null, accountId: null, isAdmin: true, clientAddress: null, userAgent: null };
}
