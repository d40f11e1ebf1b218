/**
 * The one quoting helper: unit tests with hostile values, and a property test that bash gives back every random
 * string byte for byte.
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  ShellCode, ShellQuoteError, continuedWords, hasLoneSurrogate, heredoc, joinShell, printfLines, sh, shComment, shellQuote,
} from '../src/orchestration/shell/quote.js';

/** Runs a script with bash, returns stdout as bytes. */
function bash(script: string): Buffer {
  const r = spawnSync('bash', ['-c', script], { maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`bash failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

const canary = `/tmp/canary-quote-${randomBytes(6).toString('hex')}`;

const HOSTILE = [
  '',
  ' ',
  "'",
  "''",
  "it's",
  `'"'"'`,
  '"',
  '\\',
  "\\'",
  `$(touch ${canary})`,
  `\`touch ${canary}\``,
  `'; touch ${canary}; '`,
  `"; touch ${canary}; "`,
  `a\ntouch ${canary}\n`,
  '\r\n\t\v\f',
  // eslint-disable-next-line no-template-curly-in-string -- literal shell syntax, not a JS template
  '$HOME ${HOME} $((1+1)) $\'x\' !! !$ ~root *',
  '-rf /',
  '--help',
  '-',
  'ünïcødé 日本語 🔑 \u202e\u2028\u2029 \u00a0',
  '\x01\x1b[31mred\x1b[0m\x7f',
  `a${'b'.repeat(5000)}`,
];

describe('shellQuote', () => {
  test('always single-quotes strings, escaping only the quote', () => {
    expect(shellQuote('alice')).toBe("'alice'");
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$(id) `id` "x" \\n')).toBe('\'$(id) `id` "x" \\n\'');
    expect(shellQuote('line 1\nline 2')).toBe("'line 1\nline 2'");
  });

  test('numbers are printed bare; non-finite numbers are refused', () => {
    expect(shellQuote(0)).toBe('0');
    expect(shellQuote(-12.5)).toBe('-12.5');
    expect(() => shellQuote(Number.NaN)).toThrow(ShellQuoteError);
    expect(() => shellQuote(Number.POSITIVE_INFINITY)).toThrow(expect.objectContaining({ code: 'NOT_FINITE' }));
  });

  test('refuses NUL bytes, lone surrogates and non-string values with typed errors', () => {
    expect(() => shellQuote('a\0b')).toThrow(expect.objectContaining({ code: 'NUL_BYTE', name: 'ShellQuoteError' }));
    expect(() => shellQuote('\ud800')).toThrow(expect.objectContaining({ code: 'INVALID_UNICODE' }));
    expect(() => shellQuote('x\udc00')).toThrow(expect.objectContaining({ code: 'INVALID_UNICODE' }));
    expect(() => shellQuote(null as unknown as string)).toThrow(expect.objectContaining({ code: 'INVALID_VALUE' }));
    expect(() => shellQuote({ toString: () => "'" } as unknown as string)).toThrow(ShellQuoteError);
    expect(hasLoneSurrogate('🔑')).toBe(false);
    expect(hasLoneSurrogate('🔑'.slice(0, 1))).toBe(true);
  });

  test.each(HOSTILE.map((v) => [JSON.stringify(v).slice(0, 60), v]))('hostile value %s comes back byte-exact and runs nothing', (_, value) => {
    const out = bash(`printf %s ${shellQuote(value)}`);
    expect(out.equals(Buffer.from(value, 'utf8'))).toBe(true);
    expect(existsSync(canary)).toBe(false);
  });

  test('property: bash -c "printf %s <quoted>" round-trips random strings byte-exact', () => {
    // Random strings over a hostile alphabet plus random code points (no NUL, no lone surrogates).
    const alphabet = [..."'\"\\$`!*?[]{}()<>|&;#~=%^ \t\n\r-_.,:/@+abcXYZ019", 'é', '日', '🔑', '\u2028', '\x1b', '\x7f'];
    let seed = 0x5eed;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const randomString = () => {
      const length = rand(40);
      let s = '';
      for (let i = 0; i < length; i++) {
        if (rand(5) === 0) {
          let cp = 1 + rand(0x10ffff);
          if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x41;
          s += String.fromCodePoint(cp);
        } else s += alphabet[rand(alphabet.length)];
      }
      return s;
    };
    const values = Array.from({ length: 1000 }, randomString);
    // One bash run: every value printed followed by a NUL separator (NUL cannot occur in the values).
    const script = values.map((v) => `printf '%s\\0' ${shellQuote(v)}`).join('\n');
    const out = bash(script);
    const expected = Buffer.concat(values.flatMap((v) => [Buffer.from(v, 'utf8'), Buffer.from([0])]));
    expect(out.equals(expected)).toBe(true);
    // And a few through their own `bash -c`, exactly as the property is stated.
    for (const v of values.slice(0, 25)) expect(bash(`printf %s ${shellQuote(v)}`).toString('utf8')).toBe(v);
  });
});

describe('sh tagged template', () => {
  test('quotes every interpolation; arrays become several words; ShellCode is inserted as is', () => {
    const name = "o'brien";
    expect(sh`useradd -- ${name}`.text).toBe("useradd -- 'o'\\''brien'");
    expect(sh`groups ${['a', "b'c", 3]}`.text).toBe("groups 'a' 'b'\\''c' 3");
    expect(sh`x ${[]}`.text).toBe('x ');
    const inner = sh`echo ${'$(id)'}`;
    expect(sh`if true; then ${inner}; fi`.text).toBe("if true; then echo '$(id)'; fi");
  });

  test('a plain string is never code, even when it came from sh (it is quoted again)', () => {
    const text = sh`echo ${'x'}`.text;
    expect(sh`${text}`.text).toBe(`'echo '\\''x'\\'''`);
  });

  test('block templates are dedented without touching the values', () => {
    const value = 'a\n    b';
    const code = sh`
      if x; then
        echo ${value}
      fi
    `;
    expect(code.text).toBe("if x; then\n  echo 'a\n    b'\nfi");
  });

  test('the result runs and prints the hostile values unchanged', () => {
    const values = HOSTILE.slice(0, 16);
    const out = bash(sh`printf '%s\\0' ${values}`.text);
    expect(out.toString('utf8').split('\0').slice(0, -1)).toEqual(values);
    expect(existsSync(canary)).toBe(false);
  });
});

describe('helpers', () => {
  test('printfLines prints each line followed by a newline, byte-exact', () => {
    const lines = ["it's", '$(id) `id`', '100%', 'ünï 🔑', ''];
    const code = printfLines(lines);
    expect(code.text.startsWith("printf '%s\\n' \\\n  'it'\\''s'")).toBe(true);
    expect(bash(code.text).toString('utf8')).toBe(lines.map((l) => l + '\n').join(''));
    expect(bash(printfLines([]).text).length).toBe(0);
    expect(() => printfLines(['a\nb'])).toThrow(ShellQuoteError);
  });

  test('continuedWords puts one quoted word per line', () => {
    expect(sh`cmd ${'u'}${continuedWords(['a b', "c'd"])}`.text).toBe("cmd 'u' \\\n  'a b' \\\n  'c'\\''d'");
    expect(bash(sh`printf '[%s]' ${'u'}${continuedWords(['a b', '$x'])}`.text).toString()).toBe('[u][a b][$x]');
  });

  test('heredoc picks a delimiter that no line of the content can close early', () => {
    const content = "line $(id)\nORCHESTRA_EOF\nORCHESTRA_EOF_1\n'quoted' `x`";
    const code = heredoc(ShellCode.trusted('cat'), content);
    expect(code.text).toContain("cat <<'ORCHESTRA_EOF_2'\n");
    expect(bash(code.text).toString('utf8')).toBe(content + '\n');
    expect(() => heredoc(ShellCode.trusted('cat'), 'a\0b')).toThrow(expect.objectContaining({ code: 'NUL_BYTE' }));
  });

  test('shComment cannot end the comment: control characters and line separators are replaced', () => {
    const c = shComment(`alice\ntouch ${canary}\r\u2028x`);
    expect(c.text).toBe(`# alice?touch ${canary}??x`);
    expect(c.text.includes('\n')).toBe(false);
    bash(c.text);
    expect(existsSync(canary)).toBe(false);
    expect(shComment('x'.repeat(300), 10).text).toBe('# xxxxxxxxx…');
  });

  test('joinShell skips empty pieces', () => {
    expect(joinShell([sh`a`, ShellCode.empty, sh`b`]).text).toBe('a\nb');
  });
});
