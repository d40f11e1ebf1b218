/** What a change tells the audit log about its effect (filled by use cases and resolvers as they go). */
export interface AuditNote {
  accountId: string | null;
  accountUsername: string | null;
  objectIds: string[];
  /** When set, replaces the default (the input fields the caller sent). */
  changedFields: string[] | null;
  /** Set once its entry is written (by the use case runner), so the GraphQL middleware does not write a second. */
  recorded: boolean;
}

export function emptyAuditNote(): AuditNote {
  return { accountId: null, accountUsername: null, objectIds: [], changedFields: null, recorded: false };
}

/** Notes the account and objects a mutation touched. Global ids are recorded, as the API shows them. */
export function noteTouched(note: AuditNote, account: { id: string; username: string } | null, ...objectIds: string[]): void {
  if (account) {
    note.accountId = account.id;
    note.accountUsername = account.username;
  }
  note.objectIds.push(...objectIds);
}
