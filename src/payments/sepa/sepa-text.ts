/**
 * Text in SEPA files. The ISO schemas take any Unicode, but the EPC rulebooks restrict what banks must accept to the
 * basic Latin set: a–z, A–Z, 0–9, space and / - ? : ( ) . , ' + — a file with anything else may be refused whole.
 * So names are written transliterated (José Peña → Jose Pena, Müller & Söhne → Muller + Sohne), and a name that has
 * no such form (other scripts, < > " ; …) is refused where it enters Orchestra (a payment source's holder, the
 * creditor's name in configuration), never found out when a file is made.
 */
export const SEPA_CHARACTERS = /^[A-Za-z0-9/\-?:().,'+ ]*$/;

/** Letters that are not a base letter plus accents (so NFD does not take them apart). */
const LETTERS: Record<string, string> = {
  ß: 'ss', ẞ: 'SS', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ð: 'd', Ð: 'D',
  þ: 'th', Þ: 'TH', ı: 'i', ħ: 'h', Ħ: 'H', ŀ: 'l', Ŀ: 'L', '&': '+', '’': "'", '‘': "'", '–': '-', '—': '-', '·': '.', '_': '-',
};

/**
 * The text in SEPA's characters, or null when it has none: accents dropped (NFD, then the combining marks removed),
 * the letters above spelled out, whitespace runs made one space; anything else left makes it null.
 */
export function toSepaText(value: string): string | null {
  const text = value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]|[&_]/g, (c) => (/\s/.test(c) ? ' ' : LETTERS[c] ?? c))
    .replace(/\s+/g, ' ')
    .trim();
  return SEPA_CHARACTERS.test(text) ? text : null;
}

/** For a field of at most `max` characters (Max70Text…): cut, never refused for its length once transliterated. */
export function sepaField(value: string, max: number): string {
  const text = toSepaText(value);
  if (text === null) throw new Error('a text outside SEPA\'s characters reached a SEPA file (it must be refused where it enters)');
  return text.slice(0, max).trim();
}
