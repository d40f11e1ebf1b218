/**
 * Where Orchestra connects to a server: its address and SSH user, checked exactly as given (never trimmed: "a\t" or
 * "a   " is a typo to show, not a name to guess).
 *
 * Decisions:
 * - An address is an IPv4 dotted quad, an IPv6 literal (node:net isIP; no zone "%eth0", no brackets) or a host
 *   name per RFC 1123: labels of 1 to 63 letters, digits and inner hyphens, 253 characters at most, no trailing
 *   dot. A name whose last label is numeric ("1.2.3", "999.1.1.1", "0x7f") is refused: resolvers read it as an
 *   IPv4 address in another notation, so it is neither a name nor a valid address.
 * - An SSH user is a POSIX user name: letters, digits, ".", "_" and "-", 32 at most, starting with a letter or "_".
 * - Neither can ever start with "-" (an option to whatever command receives it). "a-o" is valid for both: a host
 *   name label and a user name may contain hyphens, just not start or (a label) end with one.
 */
import { isIP } from 'node:net';

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const NUMERIC_LABEL = /^(?:[0-9]+|0x[0-9a-f]*)$/i;
const SSH_USER = /^[A-Za-z_][A-Za-z0-9._-]{0,31}$/;

/** Null when the address is a host name or an IP address literal, else why not. */
export function addressProblem(address: string): string | null {
  if (address.length > 253) return 'must be at most 253 characters';
  const version = isIP(address);
  if (version === 4) return null;
  if (version === 6) return address.includes('%') ? 'must be an IPv6 address without a zone ("%…")' : null;
  const labels = address.split('.');
  if (!labels.every((label) => LABEL.test(label))) {
    return 'must be a host name (labels of letters, digits and inner "-", separated by ".") or an IP address';
  }
  if (NUMERIC_LABEL.test(labels[labels.length - 1]!)) return 'is not a valid IP address, and a host name cannot end in a number';
  return null;
}

/** Null when the user name is a POSIX user name, else why not. */
export function sshUserProblem(user: string): string | null {
  return SSH_USER.test(user) ? null : 'must be a user name: up to 32 letters, digits, ".", "_" or "-", starting with a letter or "_"';
}
