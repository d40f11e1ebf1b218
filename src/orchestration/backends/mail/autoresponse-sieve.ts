/**
 * An autoresponder's Sieve script: a `vacation` answer (RFC 5230) inside its window, then `discard` (the address's
 * mailboxes and forwards get the mail; the autoresponder keeps nothing). Pigeonhole remembers whom it answered for
 * `:days` days, so each sender gets one answer in that time; it never answers mailing lists, bulk or automatic mail.
 *
 * Every value is a Sieve quoted string (./sieve-string.ts). The subject is one line without control characters
 * (checked by the API and the snapshot): it cannot add a header to the answer.
 */
import { sieveString } from './sieve-string.js';

export interface AutoresponseSieveInput {
  address: string;
  from: string | null;
  until: string | null;
  subject: string;
  message: string;
  days: number;
}

export function autoresponseSieve(a: AutoresponseSieveInput): string {
  const window = [
    ...(a.from ? [`currentdate :value "ge" "date" ${sieveString(a.from)}`] : []),
    ...(a.until ? [`currentdate :value "le" "date" ${sieveString(a.until)}`] : []),
  ];
  const vacation = `vacation :days ${a.days} :from ${sieveString(a.address)} :addresses [${sieveString(a.address)}] :subject ${sieveString(a.subject)} ${sieveString(a.message)};`;
  return [
    'require ["vacation", "date", "relational"];',
    ...(window.length ? [`if allof (${window.join(', ')}) {`, `  ${vacation}`, '}'] : [vacation]),
    'discard;',
  ].join('\n');
}
