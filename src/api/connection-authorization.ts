/**
 * The `Authorization` of a graphql-ws connection, from its init payload: `{ authorization: "Bearer <token>" }` like the
 * HTTP header, or the bare token, `{ authorization: "<token>" }`, which many clients send (`Authorization` is read too).
 */
export function connectionAuthorization(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const trimmed = value.trim();
  return /^bearer\s/i.test(trimmed) ? trimmed : `Bearer ${trimmed}`;
}
