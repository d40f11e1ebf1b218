import type { GraphQLClient } from './graphql-client.js';
import { CreateAccountDocument, CreateContactDocument, LoginDocument } from '../generated/graphql.js';

export const PASSWORD = 'correct horse battery';

/** Creates an account (as admin) with a password, logs its main user in; returns ids and a client. */
export async function accountWithUser(admin: GraphQLClient, username: string) {
  const created = await admin.data(CreateAccountDocument, { input: { username, password: PASSWORD, fullName: `${username} Ltd` } });
  if (created.createAccount.userErrors.length) throw new Error(JSON.stringify(created.createAccount.userErrors));
  const account = created.createAccount.account!;
  const login = await admin.as(null).data(LoginDocument, { input: { username, password: PASSWORD } });
  return { account, client: admin.as(login.login.token!), userId: login.login.user!.id };
}

export async function contactFor(client: GraphQLClient, accountId: string, shortName = 'Ada') {
  const result = await client.data(CreateContactDocument, {
    input: { accountId, shortName, email: `${shortName.toLowerCase()}@example.org`, phone: '+34 934 123 456' },
  });
  if (result.createContact.userErrors.length) throw new Error(JSON.stringify(result.createContact.userErrors));
  return result.createContact.contact!;
}

/**
 * The `extensions.code` of the first error; for a mutation payload with userErrors, 'NOT_FOUND' when its target is
 * unknown or hidden (a userError of code NOT_FOUND, the convention for mutations) and 'REJECTED' otherwise; else 'ok'.
 */
export function outcome(result: { errors?: { extensions?: Record<string, unknown> }[]; data?: unknown }): string {
  if (result.errors?.length) return String(result.errors[0].extensions?.code);
  const payload = Object.values((result.data ?? {}) as Record<string, { userErrors?: { code?: string }[] } | null>)[0];
  if (!payload?.userErrors?.length) return 'ok';
  return payload.userErrors.some((e) => e.code === 'NOT_FOUND') ? 'NOT_FOUND' : 'REJECTED';
}
