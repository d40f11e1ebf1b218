/** Who is calling. Anonymous callers can only log in. */
export interface AuthenticatedViewer {
  kind: 'user';
  userId: string;
  username: string;
  accountId: string;
  isAdmin: boolean;
  /** Set when the call authenticated with an API token rather than a session. */
  apiTokenId: string | null;
}

export type Viewer = AuthenticatedViewer | { kind: 'anonymous' };

export const ANONYMOUS: Viewer = { kind: 'anonymous' };
