/**
 * What Debian's `crontab` refuses when it installs a user's crontab: a port of the check it runs before it replaces
 * the installed file (cron 3.0pl1-162, Debian 12: `replace_cmd` in crontab.c, `load_env` in env.c, `load_entry`,
 * `get_list`, `get_range`, `get_number` in entry.c, `skip_comments`, `get_string` in misc.c). Pure, so the API can
 * refuse what a server would refuse without cron installed where the API runs. tests/crontab-syntax.test.ts runs a
 * corpus through this and through the real `crontab` and requires the same verdict and the same message.
 *
 * Why a port and not a few rules: `crontab` refuses the WHOLE file for one bad line ("errors in crontab file,
 * can't install"), so anything Orchestra renders must pass exactly this check. Its rules are not all obvious: a
 * command starting with `*` is refused (taken for a sixth time field), a command of 999 bytes or more is refused,
 * a last line without a newline is refused, more than 10000 lines are refused, and `1;x` is a valid minute.
 *
 * Modelled as the C code does it: bytes, not characters (the text is encoded as UTF-8, so no 0xFF byte can appear,
 * which the C code would take for EOF), the C locale (`crontab` runs with LC_ALL=C in our scripts: only ASCII
 * letters and digits are alphanumeric), and the line counter exactly as crontab counts (so messages match). NUL
 * bytes are refused before parsing: C strings end there, and no crontab of ours has one.
 */

const EOF = -1;
const NL = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const HASH = 0x23;
const STAR = 0x2a;
const COMMA = 0x2c;
const DASH = 0x2d;
const SLASH = 0x2f;
const AT = 0x40;
const EQUALS = 0x3d;
const SINGLE_QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;

/** cron.h: buffers for a command, an environment setting, a number's text; longest crontab. */
const MAX_COMMAND = 1000;
const MAX_ENVSTR = 1000;
const MAX_TEMPSTR = 1000;
export const CRONTAB_MAX_LINES = 10000;
/** Longest command `crontab` installs, in bytes as written in the crontab (get_string keeps MAX_COMMAND - 1). */
export const CRONTAB_COMMAND_MAX_BYTES = MAX_COMMAND - 2;

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DOW_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const SPECIALS = new Set(['reboot', 'yearly', 'annually', 'monthly', 'weekly', 'daily', 'midnight', 'hourly']);

export interface CrontabSyntaxError {
  /** 1-based line of the text where the refused entry starts (for a whole-file problem: the last line read). */
  line: number;
  /** crontab's own words: "bad minute", "bad command", "command too long", "crontab is too long…", … */
  message: string;
  /** The line number crontab prints in `"file":N: message` (its own counting, one less than `line` mostly). */
  reportedLine: number;
}

const isSpace = (c: number) => c === SPACE || (c >= 0x09 && c <= 0x0d);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isAlnum = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** A FILE read with getc/ungetc, counting lines like get_char/unget_char do. */
class Reader {
  pos = 0;
  line = 1;
  constructor(private readonly bytes: Uint8Array) {}

  getChar(): number {
    if (this.pos >= this.bytes.length) return EOF;
    const c = this.bytes[this.pos++]!;
    if (c === NL) this.line++;
    return c;
  }

  ungetChar(c: number): void {
    if (c === EOF) return;
    this.pos--;
    if (c === NL) this.line--;
  }

  /** get_string: reads up to a terminator (or EOF), keeps at most size - 1 bytes; returns what ended it. */
  getString(size: number, terms: readonly number[]): { text: number[]; end: number } {
    const text: number[] = [];
    let c: number;
    while ((c = this.getChar()) !== EOF && !terms.includes(c)) {
      if (text.length < size - 1) text.push(c);
    }
    return { text, end: c };
  }

  skipComments(): void {
    let c = EOF;
    while ((c = this.getChar()) !== EOF) {
      while (c === SPACE || c === TAB) c = this.getChar();
      if (c === EOF) break;
      if (c !== NL && c !== HASH) break;
      while (c !== NL && c !== EOF) c = this.getChar();
    }
    if (c !== EOF) this.ungetChar(c);
  }
}

class Refused extends Error {
  constructor(
    readonly why: string,
    /** The line the refused entry starts on. */
    readonly entryLine: number,
    /** The line counter when crontab reports the problem. */
    readonly counter: number,
  ) {
    super(why);
  }
}

type EnvResult = { kind: 'end'; empty: boolean } | { kind: 'env' } | { kind: 'not-env' };

/** load_env: an environment setting (NAME = value) is taken; anything else rewinds for load_entry. */
function loadEnv(r: Reader): EnvResult {
  const pos = r.pos;
  const line = r.line;
  r.skipComments();
  const { text, end } = r.getString(MAX_ENVSTR - 1, [NL]);
  if (end === EOF) return { kind: 'end', empty: text.length === 0 };

  // The states of env.c, in order (the code moves on with state++); EQ2 = 3 is only ever reached that way.
  const NAMEI = 0, NAME = 1, EQ1 = 2, VALUEI = 4, VALUE = 5, FINI = 6, ERROR = 7;
  const name: number[] = [];
  const value: number[] = [];
  let target = name;
  let state = NAMEI;
  let quote = 0;
  let i = 0;
  while (state !== ERROR && i < text.length) {
    if (state === NAMEI || state === VALUEI) {
      if (text[i] === SINGLE_QUOTE || text[i] === DOUBLE_QUOTE) quote = text[i++]!;
      state++;
      if (i >= text.length) break; // the C code reads past the line here; no crontab of ours ends in a quote
    }
    if (state === NAME || state === VALUE) {
      const c = text[i]!;
      if (quote) {
        if (c === quote) {
          state++;
          i++;
          continue;
        }
        if (state === NAME && c === EQUALS) {
          state = ERROR;
          continue;
        }
      } else if (state === NAME) {
        if (isSpace(c)) {
          i++;
          state++;
          continue;
        }
        if (c === EQUALS) {
          state++;
          continue;
        }
      }
      target.push(c);
      i++;
    } else if (state === EQ1) {
      if (text[i] === EQUALS) {
        state++;
        target = value;
        quote = 0;
      } else if (!isSpace(text[i]!)) state = ERROR;
      i++;
    } else if (isSpace(text[i]!)) i++; // EQ2, FINI
    else state++;
  }
  if (state !== FINI && !(state === VALUE && !quote)) {
    r.pos = pos;
    r.line = line;
    return { kind: 'not-env' };
  }
  while (value.length && isSpace(value[value.length - 1]!)) value.pop(); // strdtb
  let valueLength = value.length;
  if (valueLength >= 2 && (value[0] === SINGLE_QUOTE || value[0] === DOUBLE_QUOTE) && value[valueLength - 1] === value[0]) valueLength -= 2;
  // Too long for an environment string: C returns "not a setting" without rewinding; load_entry reads on from here.
  if (name.length + 1 + valueLength >= MAX_ENVSTR - 1) return { kind: 'not-env' };
  return { kind: 'env' };
}

/** get_number: a name (case-insensitive) or digits; EOF when neither. */
function getNumber(r: Reader, low: number, names: readonly string[] | null, first: number): { c: number; n: number } {
  let c = first;
  let text = '';
  let allDigits = true;
  while (isAlnum(c)) {
    if (text.length + 1 >= MAX_TEMPSTR) return { c: EOF, n: 0 };
    text += String.fromCharCode(c);
    if (!isDigit(c)) allDigits = false;
    c = r.getChar();
  }
  if (text === '') return { c: EOF, n: 0 };
  if (names) {
    const i = names.findIndex((n) => n.toLowerCase() === text.toLowerCase());
    if (i >= 0) return { c, n: i + low };
  }
  if (!allDigits) return { c: EOF, n: 0 };
  // atoi: strtol saturates at LONG_MAX, then the long is cut to an int.
  const big = BigInt(text);
  const long = big > 2n ** 63n - 1n ? 2n ** 63n - 1n : big;
  return { c, n: Number(BigInt.asIntN(32, long)) };
}

/** get_range: `*`, `N` or `N-M`, then an optional `/STEP` (not after a single number). */
function getRange(r: Reader, low: number, high: number, names: readonly string[] | null, first: number): number {
  let c = first;
  let from: number;
  let to: number;
  if (c === STAR) {
    from = low;
    to = high;
    c = r.getChar();
    if (c === EOF) return EOF;
  } else {
    const a = getNumber(r, low, names, c);
    if (a.c === EOF) return EOF;
    from = a.n;
    c = a.c;
    if (c !== DASH) {
      if (c === SLASH) return EOF;
      return from < low || from > high ? EOF : c;
    }
    c = r.getChar();
    if (c === EOF) return EOF;
    const b = getNumber(r, low, names, c);
    if (b.c === EOF) return EOF;
    to = b.n;
    c = b.c;
  }
  let step = 1;
  if (c === SLASH) {
    c = r.getChar();
    if (c === EOF) return EOF;
    const s = getNumber(r, 0, null, c);
    if (s.c === EOF || s.n <= 0) return EOF;
    step = s.n;
    c = s.c;
  }
  if (from < low || from > high || to < low || to > high) return EOF;
  // set_element refuses a value out of range; the C loop counter is an int and wraps.
  for (let i = from; i <= to; i = (i + step) | 0) if (i < low || i > high) return EOF;
  return c;
}

/** get_list: ranges separated by commas; then skips the rest of the word and the blanks after it. */
function getList(r: Reader, low: number, high: number, names: readonly string[] | null, first: number): number {
  let c = getRange(r, low, high, names, first);
  while (c === COMMA) c = getRange(r, low, high, names, r.getChar());
  while (c !== TAB && c !== SPACE && c !== NL && c !== EOF) c = r.getChar();
  while (c === TAB || c === SPACE) c = r.getChar();
  return c;
}

/** load_entry for a user's crontab (no user-name field); throws Refused; returns false at the end of the file. */
function loadEntry(r: Reader): boolean {
  r.skipComments();
  const start = r.line;
  let c = r.getChar();
  if (c === EOF) return false;
  if (c === AT) {
    const special = r.getString(MAX_COMMAND, [SPACE, TAB, NL]);
    if (!SPECIALS.has(String.fromCharCode(...special.text))) throw new Refused('bad time specifier', start, r.line);
    c = special.end;
  } else {
    const fields: [string, number, number, readonly string[] | null][] = [
      ['bad minute', 0, 59, null],
      ['bad hour', 0, 23, null],
      ['bad day-of-month', 1, 31, null],
      ['bad month', 1, 12, MONTH_NAMES],
      ['bad day-of-week', 0, 7, DOW_NAMES],
    ];
    for (const [why, low, high, names] of fields) {
      c = getList(r, low, high, names, c);
      if (c === EOF) throw new Refused(why, start, r.line);
    }
  }
  while (c === TAB || c === SPACE) c = r.getChar();
  r.ungetChar(c);
  if (c === STAR) throw new Refused('bad command', start, r.line);
  const command = r.getString(MAX_COMMAND, [NL]);
  if (command.text.length === MAX_COMMAND - 1) throw new Refused('command too long', start, r.line);
  if (command.end === EOF) throw new Refused('bad command', start, r.line);
  return true;
}

/**
 * The first problem `crontab` would report for this crontab text (it stops at the first), or null when it would
 * install it.
 */
export function checkCrontabSyntax(text: string): CrontabSyntaxError | null {
  if (text.includes('\0')) {
    const line = text.slice(0, text.indexOf('\0')).split('\n').length;
    return { line, message: 'NUL byte (crontab would cut the line there)', reportedLine: line - 1 };
  }
  const r = new Reader(Buffer.from(text, 'utf8'));
  // replace_cmd: stop at the first error; the line limit is checked first, then errors, then the final newline.
  let refused: Refused | null = null;
  let end: Extract<EnvResult, { kind: 'end' }> | null = null;
  while (!refused && !end && r.line < CRONTAB_MAX_LINES + 2) {
    const env = loadEnv(r);
    if (env.kind === 'end') end = env;
    else if (env.kind === 'not-env') {
      try {
        loadEntry(r);
      } catch (err) {
        if (!(err instanceof Refused)) throw err;
        refused = err;
      }
    }
  }
  if (r.line >= CRONTAB_MAX_LINES + 2) {
    return { line: r.line - 1, message: `crontab is too long; maximum number of lines is ${CRONTAB_MAX_LINES}.`, reportedLine: r.line - 1 };
  }
  if (refused) return { line: refused.entryLine, message: refused.why, reportedLine: refused.counter - 1 };
  if (!end || !end.empty) return { line: r.line, message: 'new crontab file is missing newline before EOF', reportedLine: r.line - 1 };
  return null;
}
