import type { GraphQLClient } from './graphql-client.js';
import { CreateAccountDocument, CreateContactDocument, LoginDocument } from '../generated/graphql.js';

export const PASSWORD = 'correct horse battery';

/** Passwords no rule accepts: not printable text (control characters, line breaks, broken Unicode), or out of 10..256. */
export const BAD_PASSWORDS = [
  'nul\u0000byte-long-enough', 'new\nline-long-enough', 'carriage\rreturn-long', 'tab\tinside-long-enough', 'escape\u001b[31m-long',
  'del\u007f-long-enough', 'c1\u0085-next-line-long', 'line\u2028separator-long', 'lone \ud800 surrogate-long', 'short', 'x'.repeat(257),
  '🔑'.repeat(257), 'trailing newline\n',
];
/** Passwords every rule accepts: spaces, any script, symbols, 10 to 256 characters (code points). */
export const GOOD_PASSWORDS = ['x'.repeat(256), 'ünïcødé ✓ pässwörd', 'spaces are fine', "$(id) `id` 'q' \"d\" \\", '🔑'.repeat(10), '🔑'.repeat(256)];

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
