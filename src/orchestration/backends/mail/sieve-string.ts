/**
 * Sieve quoted strings (RFC 5228 §2.4.2): inside "…" only `"` and `\` are special and are escaped with `\`. Values
 * reach Sieve scripts only through this function; line breaks are kept (a quoted string may span lines).
 */
export function sieveString(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
