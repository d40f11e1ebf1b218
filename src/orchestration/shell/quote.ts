/**
 * THE quoting helper: every value that reaches a script rendered by a backend goes through `shellQuote`, usually via
 * the `sh` tagged template. Backends never concatenate strings into scripts; they build `ShellCode` values.
 *
 * Decisions:
 * - Strings are ALWAYS single-quoted, even "safe" words (`'alice'`). One rule, no exceptions, nothing to audit.
 *   Inside single quotes bash interprets nothing, so the only character to handle is `'` itself: `'` → `'\''`.
 *   Newlines, `$()`, backticks, `!`, unicode… are kept byte-exact (history expansion is off in scripts).
 * - Numbers are printed bare (they are finite numbers: digits, `-`, `.`, `e`). NaN/Infinity are rejected.
 * - NUL bytes cannot be passed through argv or bash variables at all, so they are rejected with a typed error
 *   rather than silently truncated. Lone UTF-16 surrogates are rejected too: they cannot be encoded to UTF-8, so
 *   the server would receive U+FFFD instead of the value (not an injection, but not the value either).
 * - Quoting protects against the SHELL, not against the COMMAND: a value starting with `-` is still an option to
 *   the program receiving it. Backends validate such values or put them after `--`.
 */

export type ShellQuoteErrorCode = 'NUL_BYTE' | 'INVALID_UNICODE' | 'NOT_FINITE' | 'INVALID_VALUE';

export class ShellQuoteError extends Error {
  constructor(
    readonly code: ShellQuoteErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ShellQuoteError';
  }
}

/** True when the string has an unpaired UTF-16 surrogate (not encodable as UTF-8). String#isWellFormed is ES2024. */
export function hasLoneSurrogate(value: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}

/** Quotes one value as a single bash word that expands to exactly that value. */
export function shellQuote(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ShellQuoteError('NOT_FINITE', `cannot put ${value} in a script`);
    return String(value);
  }
  if (typeof value !== 'string') {
    throw new ShellQuoteError('INVALID_VALUE', `cannot put a ${value === null ? 'null' : typeof value} in a script`);
  }
  if (value.includes('\0')) throw new ShellQuoteError('NUL_BYTE', 'a NUL byte cannot be passed to a shell command');
  if (hasLoneSurrogate(value)) throw new ShellQuoteError('INVALID_UNICODE', 'the value contains a lone UTF-16 surrogate');
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * A piece of bash that is safe by construction: it can only be made by the `sh` template (whose interpolations are
 * quoted), by `ShellCode.trusted` (constant code written in a backend's source or its `.sh` fragments, read by
 * ./fragment.ts) or by combining other ShellCode.
 */
export class ShellCode {
  private constructor(readonly text: string) {}

  /** Constant code from a backend's source or fragments. Never pass data here: that is what `sh` is for. */
  static trusted(text: string): ShellCode {
    return new ShellCode(text);
  }

  static readonly empty = new ShellCode('');

  toString(): string {
    return this.text;
  }
}

/** What `sh` accepts in an interpolation: a value (quoted), a list of values (each quoted, space-separated), or code. */
export type ShellValue = string | number | ShellCode | readonly (string | number)[];

/**
 * Tagged template: `sh\`useradd -- ${name}\`` → `useradd -- 'alice'`. Every interpolated value is quoted with
 * `shellQuote`; an array becomes several words; a `ShellCode` is inserted as is (it is already safe).
 *
 * Block templates: when the template starts with a newline, that newline, the trailing whitespace-only line and the
 * common indentation of the LITERAL parts are removed (like Python's textwrap.dedent), so backends can indent
 * their bash naturally. Dedenting never touches interpolated values, so a quoted value keeps every byte.
 */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): ShellCode {
  const parts = dedentParts([...strings]);
  let out = parts[0]!;
  for (let i = 0; i < values.length; i++) out += renderValue(values[i]!) + parts[i + 1]!;
  return ShellCode.trusted(out);
}

function renderValue(value: ShellValue): string {
  if (value instanceof ShellCode) return value.text;
  if (Array.isArray(value)) return value.map((v) => shellQuote(v)).join(' ');
  return shellQuote(value as string | number);
}

function dedentParts(parts: string[]): string[] {
  if (!parts[0]!.startsWith('\n')) return parts;
  parts[0] = parts[0]!.slice(1);
  const last = parts.length - 1;
  parts[last] = parts[last]!.replace(/\n[ \t]*$/, '');
  // Indentation of each line that starts in a literal part (the first line, and every line after a newline).
  let indent: number | null = null;
  const consider = (line: string) => {
    if (line.trim() === '') return;
    const n = line.length - line.trimStart().length;
    indent = indent === null ? n : Math.min(indent, n);
  };
  parts.forEach((part, i) => {
    const lines = part.split('\n');
    lines.forEach((line, j) => {
      if (i === 0 && j === 0) consider(line);
      else if (j > 0) consider(line);
    });
  });
  const cut = indent ?? 0;
  if (cut === 0) return parts;
  const leading = new RegExp(`^[ \\t]{0,${cut}}`);
  const strip = (line: string) => line.replace(leading, '');
  return parts.map((part, i) =>
    part
      .split('\n')
      .map((line, j) => ((i === 0 && j === 0) || j > 0 ? strip(line) : line))
      .join('\n'),
  );
}

/** Joins code pieces (by default one per line), skipping empty ones. */
export function joinShell(pieces: readonly ShellCode[], separator = '\n'): ShellCode {
  return ShellCode.trusted(
    pieces
      .map((p) => p.text)
      .filter((t) => t !== '')
      .join(separator),
  );
}

/**
 * A bash comment line. Comments end at a newline, so any control character (and the Unicode line separators,
 * for whoever reads the script in an editor) is replaced by `?`, and the text is cut to `max` characters.
 * Use it for human context in scripts (object names, descriptions); it is never executed.
 */
export function shComment(text: string, max = 200): ShellCode {
  const clean = text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, '?');
  const cut = [...clean].length > max ? [...clean].slice(0, max - 1).join('') + '…' : clean;
  return ShellCode.trusted(`# ${cut}`.trimEnd());
}

/**
 * Words for the end of a command, one per continuation line, each quoted:
 * sh`install_crontab ${user}${continuedWords(lines)}` →
 *   install_crontab 'alice' \
 *     'line 1' \
 *     'line 2'
 * An empty list gives nothing.
 */
export function continuedWords(values: readonly (string | number)[], indent = '  '): ShellCode {
  return ShellCode.trusted(values.map((v) => ` \\\n${indent}${shellQuote(v)}`).join(''));
}

/**
 * Prints each line followed by a newline, byte-exact: `printf '%s\n' 'line 1' 'line 2'`. `printf` is a bash
 * builtin, so there is no argument-length limit. This is how file contents (a crontab) are produced: no heredoc
 * delimiter to collide with, no expansion. An empty list prints nothing. Lines must not contain newlines (a value
 * with a newline would print as several lines: callers that care validate first; here it is rejected).
 */
export function printfLines(lines: readonly string[]): ShellCode {
  if (lines.length === 0) return ShellCode.trusted(`printf ''`);
  for (const line of lines) {
    if (line.includes('\n')) throw new ShellQuoteError('INVALID_VALUE', 'printfLines: a line contains a newline');
  }
  return ShellCode.trusted([`printf '%s\\n'`, ...lines.map((l) => `  ${shellQuote(l)}`)].join(' \\\n'));
}

/**
 * A literal heredoc: `<command> <<'DELIM'` + body + DELIM, where DELIM is chosen so that no line of the content
 * equals it. With a quoted delimiter bash expands nothing in the body. The body receives `content` plus a final
 * newline if it has none. Prefer `printfLines` for short contents; this is for long, multi-line files.
 */
export function heredoc(command: ShellCode, content: string): ShellCode {
  if (content.includes('\0')) throw new ShellQuoteError('NUL_BYTE', 'a NUL byte cannot be part of a heredoc');
  if (hasLoneSurrogate(content)) throw new ShellQuoteError('INVALID_UNICODE', 'the content contains a lone UTF-16 surrogate');
  const body = content.endsWith('\n') || content === '' ? content : content + '\n';
  const lines = new Set(body.split('\n'));
  let delimiter = 'ORCHESTRA_EOF';
  for (let n = 1; lines.has(delimiter); n++) delimiter = `ORCHESTRA_EOF_${n}`;
  return ShellCode.trusted(`${command.text} <<'${delimiter}'\n${body}${delimiter}`);
}
