/**
 * Domain names as Orchestra stores them: IDNA (UTS #46, as browsers do) to punycode, lowercase, no trailing dot.
 *
 * Decisions:
 * - The stored name is the ASCII (punycode) form: it is what zone files, named.conf and dig use. The Unicode form is
 *   derived for display (`toUnicodeName`), never stored.
 * - Labels: 1 to 63 characters of letters, digits, "-" (not first or last) and "_" (service labels such as
 *   `_dmarc`, `_sip._tcp`); the whole name at most 253 characters. A first label "*" makes a wildcard
 *   (`*.example.com`), and only the first. At least two labels: Orchestra serves no top-level domain.
 * - A name whose last label is all digits is refused (it reads as an IP address).
 * - A zone (a top domain) must be a host name proper: no wildcard, no "_" (named.conf and other servers' check-names
 *   refuse such zone origins). Those are subdomains of a zone.
 */
import { domainToASCII, domainToUnicode } from 'node:url';

const LABEL = /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)$/;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export type NameCheck = { ok: true; name: string } | { ok: false; error: string };

/** A domain name as typed (Unicode or punycode, any case, an optional final dot) → its stored form, or why not. */
export function parseDomainName(input: string): NameCheck {
  if (CONTROL.test(input)) return { ok: false, error: 'must not contain line breaks or control characters' };
  if (input.trim() !== input || input === '') return { ok: false, error: input === '' ? 'is required' : 'must not start or end with spaces' };
  if (input.length > 1000) return { ok: false, error: 'must be at most 253 characters' };
  let rest = input.endsWith('.') ? input.slice(0, -1) : input;
  const wildcard = rest.startsWith('*.');
  if (wildcard) rest = rest.slice(2);
  const ascii = domainToASCII(rest);
  if (ascii === '') return { ok: false, error: 'is not a valid internationalised domain name' };
  const name = (wildcard ? '*.' : '') + ascii.toLowerCase();
  return checkAsciiName(name);
}

/** Checks a name already in ASCII form (a stored name, a snapshot's name). */
export function checkAsciiName(name: string): NameCheck {
  if (name.length > 253) return { ok: false, error: 'must be at most 253 characters' };
  const labels = name.split('.');
  if (labels.length < 2) return { ok: false, error: 'must have at least two labels (such as example.com)' };
  for (const [i, label] of labels.entries()) {
    if (label === '*' && i === 0) continue;
    if (label === '') return { ok: false, error: 'must not have empty labels ("..")' };
    if (label.length > 63) return { ok: false, error: 'must have labels of at most 63 characters' };
    if (!LABEL.test(label)) {
      return { ok: false, error: label === '*' ? 'may have "*" only as its first label' : 'must have labels of letters, digits, "_" and inner "-"' };
    }
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return { ok: false, error: 'must not end in a numeric label (it reads as an IP address)' };
  return { ok: true, name };
}

/** Whether the name may be a zone of its own (a top domain): a host name, no wildcard, no "_". */
export function zoneNameProblem(name: string): string | null {
  if (name.startsWith('*.')) return 'a wildcard name needs its parent domain first (it is a name in that domain\'s zone)';
  if (!name.split('.').every((label) => HOST_LABEL.test(label))) return 'a name with "_" needs its parent domain first (it is a name in that domain\'s zone)';
  return null;
}

/** Whether every label of the name is a host name label (what may carry A, AAAA and MX records). */
export function isHostName(name: string): boolean {
  return name.split('.').every((label, i) => (i === 0 && label === '*') || HOST_LABEL.test(label));
}

/** For display: the Unicode form of a stored name. */
export function toUnicodeName(name: string): string {
  if (name.startsWith('*.')) return `*.${domainToUnicode(name.slice(2))}`;
  return domainToUnicode(name) || name;
}

/** The proper ancestors of a name, nearest first: a.b.example.com → b.example.com, example.com (not the TLD). */
export function ancestorsOf(name: string): string[] {
  const labels = name.split('.');
  const result: string[] = [];
  for (let i = 1; i < labels.length - 1; i++) result.push(labels.slice(i).join('.'));
  return result;
}

/** Whether `name` is `ancestor` or lies under it. */
export function isUnder(name: string, ancestor: string): boolean {
  return name === ancestor || name.endsWith(`.${ancestor}`);
}
