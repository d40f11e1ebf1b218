/**
 * DNS records as Orchestra stores them: a type and one value string in a normal form, checked for its type, and how
 * that value is written in a zone file.
 *
 * Decisions:
 * - One `value` per record, in the zone file's own order of fields: MX "10 mail.example.com.", SRV
 *   "10 5 5060 sip.example.com.", CAA '0 issue "letsencrypt.org"'. Names in values are stored absolute (final dot),
 *   in punycode: a relative target would silently become a name inside the zone.
 * - CNAME may point anywhere (labels with "_" included); MX, NS and SRV targets must be host names (RFC 2181 §10.3:
 *   never an address), SRV's may be "." (service not offered).
 * - TXT is any text without control characters, at most TXT_MAX_BYTES bytes of UTF-8, written as strings of at most
 *   255 bytes (the RFC 1035 limit of one character-string), `"` and `\` escaped, every byte outside printable ASCII as
 *   `\DDD`: the zone file stays ASCII and a value can never end its string or its line.
 * - CAA: flags 0-255, a tag of 1-15 letters and digits (lowercased), a value of printable ASCII (quotes around it in
 *   the input are optional), written quoted and escaped like TXT.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { parseDomainName, isHostName } from './dns-name.js';

export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'SRV', 'TXT', 'CAA'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const TXT_MAX_BYTES = 4000;
/** Largest TTL a zone accepts (RFC 2181 §8). */
export const TTL_MAX = 2_147_483_647;

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type ValueCheck = { ok: true; value: string } | { ok: false; error: string };

const bad = (error: string): ValueCheck => ({ ok: false, error });

function uint16(text: string): number | null {
  if (!/^[0-9]{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

/** A target name (absolute, with its final dot); `host`: it must be a host name (MX, NS, SRV). */
function target(text: string, host: boolean): ValueCheck {
  const parsed = parseDomainName(text);
  if (!parsed.ok) return bad(`target ${parsed.error}`);
  if (parsed.name.startsWith('*.')) return bad('target must not be a wildcard name');
  if (host && !isHostName(parsed.name)) return bad('target must be a host name (letters, digits and inner "-")');
  return { ok: true, value: `${parsed.name}.` };
}

/** Checks a record's value for its type; returns the value to store. */
export function parseRecordValue(type: RecordType, input: string): ValueCheck {
  if (typeof input !== 'string') return bad('must be a string');
  if (LONE_SURROGATE.test(input)) return bad('must be valid Unicode text');
  if (CONTROL.test(input)) return bad('must not contain line breaks or control characters');
  const value = type === 'TXT' ? input : input.trim();
  if (value === '') return bad('is required');
  switch (type) {
    case 'A':
      return isIPv4(value) ? { ok: true, value } : bad('must be an IPv4 address (such as 192.0.2.1)');
    case 'AAAA':
      return isIPv6(value) && !value.includes('%') && !value.includes('.') ? { ok: true, value: value.toLowerCase() } : bad('must be an IPv6 address (such as 2001:db8::1)');
    case 'CNAME':
      return target(value, false);
    case 'NS':
      return target(value, true);
    case 'MX': {
      const m = /^([0-9]+)\s+(\S+)$/.exec(value);
      if (!m) return bad('must be "preference host", such as "10 mail.example.com"');
      const preference = uint16(m[1]!);
      if (preference === null) return bad('preference must be a number from 0 to 65535');
      const host = target(m[2]!, true);
      return host.ok ? { ok: true, value: `${preference} ${host.value}` } : host;
    }
    case 'SRV': {
      const m = /^([0-9]+)\s+([0-9]+)\s+([0-9]+)\s+(\S+)$/.exec(value);
      if (!m) return bad('must be "priority weight port target", such as "10 5 5060 sip.example.com"');
      const numbers = [m[1]!, m[2]!, m[3]!].map(uint16);
      if (numbers.some((n) => n === null)) return bad('priority, weight and port must be numbers from 0 to 65535');
      if (m[4] === '.') return { ok: true, value: `${numbers.join(' ')} .` };
      const host = target(m[4]!, true);
      return host.ok ? { ok: true, value: `${numbers.join(' ')} ${host.value}` } : host;
    }
    case 'TXT':
      if (Buffer.byteLength(value, 'utf8') > TXT_MAX_BYTES) return bad(`must be at most ${TXT_MAX_BYTES} bytes`);
      return { ok: true, value };
    case 'CAA': {
      const m = /^([0-9]+)\s+([A-Za-z0-9]+)\s+(.+)$/.exec(value);
      if (!m) return bad('must be "flags tag value", such as \'0 issue "letsencrypt.org"\'');
      const flags = Number(m[1]);
      if (!/^[0-9]{1,3}$/.test(m[1]!) || flags > 255) return bad('flags must be a number from 0 to 255');
      if (m[2]!.length > 15) return bad('tag must be at most 15 letters and digits');
      let text = m[3]!;
      if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
      if (!/^[\x20-\x7e]*$/.test(text)) return bad('value must be printable ASCII');
      if (text.length > 1000) return bad('value must be at most 1000 characters');
      return { ok: true, value: `${flags} ${m[2]!.toLowerCase()} "${text}"` };
    }
  }
}

/** The bytes of a text as the body of a zone-file character-string: printable ASCII kept, `"` `\` escaped, others `\DDD`. */
function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b <= 0x7e) out += String.fromCharCode(b);
    else out += `\\${String(b).padStart(3, '0')}`;
  }
  return out;
}

/** TXT text as quoted character-strings of at most 255 bytes each. */
export function txtStrings(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const strings: string[] = [];
  for (let i = 0; i < bytes.length; i += 255) strings.push(`"${escapeBytes(bytes.subarray(i, i + 255))}"`);
  return strings.length > 0 ? strings : ['""'];
}

/** A stored value as the RDATA of a zone-file line. */
export function renderRdata(type: RecordType, value: string): string {
  if (type === 'TXT') return txtStrings(value).join(' ');
  if (type === 'CAA') {
    const m = /^([0-9]+) ([a-z0-9]+) "(.*)"$/.exec(value)!;
    return `${m[1]} ${m[2]} "${escapeBytes(Buffer.from(m[3]!, 'utf8'))}"`;
  }
  return value;
}

/** Record types whose values name other hosts (for the whole-zone check's messages). */
export function targetOf(type: RecordType, value: string): string | null {
  if (type === 'CNAME' || type === 'NS') return value;
  if (type === 'MX') return value.split(' ')[1] ?? null;
  if (type === 'SRV') return value.split(' ')[3] ?? null;
  return null;
}
