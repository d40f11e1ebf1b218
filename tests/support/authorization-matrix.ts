import type { GraphQLClient } from './graphql-client.js';

/** The callers of an authorisation matrix: nobody, a user of account A, a user of account B, an admin. */
export type Caller = 'anonymous' | 'userA' | 'userB' | 'admin';

/** What a call must end as: `outcome()` of tests/support/fixtures.ts. */
export type Expect = 'ok' | 'REJECTED' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';

/** One query or mutation aimed at account A's objects, and what each caller must get. */
export interface Case {
  name: string;
  run: (c: GraphQLClient) => Promise<{ errors?: { extensions?: Record<string, unknown> }[]; data?: unknown }>;
  expected: Record<Caller, Expect>;
  /** A denied call must then change nothing (the test compares snapshots). */
  mutates?: boolean;
}

export const OWNER_OR_ADMIN: Record<Caller, Expect> = { anonymous: 'UNAUTHENTICATED', userA: 'ok', userB: 'NOT_FOUND', admin: 'ok' };
export const ADMIN_ONLY: Record<Caller, Expect> = { anonymous: 'UNAUTHENTICATED', userA: 'FORBIDDEN', userB: 'FORBIDDEN', admin: 'ok' };
export const ANY_USER: Record<Caller, Expect> = { anonymous: 'UNAUTHENTICATED', userA: 'ok', userB: 'ok', admin: 'ok' };
