/**
 * SASLprep (RFC 4013, the stringprep profile SCRAM uses) as PostgreSQL applies it to passwords (src/common/saslprep.c):
 * non-ASCII spaces become U+0020, characters "commonly mapped to nothing" are removed, the result is NFKC-normalised,
 * and it must contain no prohibited character and obey the bidirectional rule. PostgreSQL then uses the prepared
 * string; when SASLprep refuses a password it uses the raw bytes instead — so does this (null: use the password as
 * is). A pure-ASCII password is used as is: PostgreSQL skips SASLprep for it too.
 */

// RFC 3454 C.1.2: non-ASCII space characters → SPACE.
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/gu;
// RFC 3454 B.1: commonly mapped to nothing.
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200B-\u200D\u2060\uFE00-\uFE0F\uFEFF]/gu;
// RFC 3454 C.2–C.9 (prohibited output): controls, private use, non-characters, surrogates, inappropriate for plain
// text or canonical representation, change display properties, tagging.
const PROHIBITED =
  /[\u0000-\u001F\u007F-\u009F\u06DD\u070F\u180E\u200C\u200D\u2028\u2029\u2060-\u2063\u206A-\u206F\uFEFF\uFFF9-\uFFFC\u2FF0-\u2FFB\u0340\u0341\u200E\u200F\u202A-\u202E\uE000-\uF8FF\uFDD0-\uFDEF\uFFFD-\uFFFF\u{1D173}-\u{1D17A}\u{E0001}\u{E0020}-\u{E007F}\u{F0000}-\u{FFFFD}\u{100000}-\u{10FFFD}\u{1FFFE}\u{1FFFF}\u{2FFFE}\u{2FFFF}\u{3FFFE}\u{3FFFF}\u{4FFFE}\u{4FFFF}\u{5FFFE}\u{5FFFF}\u{6FFFE}\u{6FFFF}\u{7FFFE}\u{7FFFF}\u{8FFFE}\u{8FFFF}\u{9FFFE}\u{9FFFF}\u{AFFFE}\u{AFFFF}\u{BFFFE}\u{BFFFF}\u{CFFFE}\u{CFFFF}\u{DFFFE}\u{DFFFF}\u{EFFFE}\u{EFFFF}]/u;
// Bidirectional categories R/AL (RandALCat) and L (LCat), approximated by Unicode's Bidi_Class through scripts.
const RAND_AL = /[\u05BE\u05C0\u05C3\u05D0-\u05EA\u05F0-\u05F4\u061B\u061F\u0621-\u063A\u0640-\u064A\u066D-\u066F\u0671-\u06D5\u06DD\u06E5\u06E6\u06FA-\u06FE\u0700-\u070D\u0710\u0712-\u072C\u0780-\u07A5\u07B1\u200F\uFB1D\uFB1F-\uFB28\uFB2A-\uFB36\uFB38-\uFB3C\uFB3E\uFB40\uFB41\uFB43\uFB44\uFB46-\uFBB1\uFBD3-\uFD3D\uFD50-\uFD8F\uFD92-\uFDC7\uFDF0-\uFDFC\uFE70-\uFE74\uFE76-\uFEFC]/u;
const L_CAT = /[A-Za-z\u00AA\u00B5\u00BA\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u0220\u0222-\u0233\u0250-\u02AD\u0386-\u03F5\u0400-\u0482\u048A-\u0586\u0905-\u0939\u0E01-\u0E30\u3041-\u3096\u30A1-\u30FA\u4E00-\u9FA5\uAC00-\uD7A3]/u;

export function saslprep(password: string): string | null {
  if (/^[\u0000-\u007F]*$/.test(password)) return password;
  const prepared = password.replace(NON_ASCII_SPACE, ' ').replace(MAPPED_TO_NOTHING, '').normalize('NFKC');
  if (PROHIBITED.test(prepared)) return null;
  if (RAND_AL.test(prepared)) {
    const chars = [...prepared];
    if (L_CAT.test(prepared) || !RAND_AL.test(chars[0]!) || !RAND_AL.test(chars[chars.length - 1]!)) return null;
  }
  return prepared;
}
