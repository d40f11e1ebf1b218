/**
 * A SEPA creditor identifier (AT-02, e.g. DE98ZZZ09999999999): country, two check digits, a three-character business
 * code, and the national identifier (up to 28 letters and digits). The check digits are ISO 7064 MOD 97-10 over the
 * national identifier followed by the country and "00", the business code left out (EPC262-08).
 */
export function isValidCreditorIdentifier(value: string): boolean {
  const match = /^([A-Z]{2})([0-9]{2})[A-Z0-9]{3}([A-Z0-9]{1,28})$/.exec(value);
  if (!match) return false;
  const [, country, check, national] = match;
  const digits = `${national}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let remainder = 0;
  for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  return 98 - remainder === Number(check);
}
