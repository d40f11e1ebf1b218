/**
 * The crontab syntax port (src/orchestration/backends/crontabs/crontab-syntax.ts) against the real Debian `crontab`: every
 * crontab of a corpus of tricky ones goes through both, and both must give the same verdict and the same message.
 * `crontab -n -u <user> -` (Debian's dry run: the same check as an install, then nothing written) runs inside a
 * HostSandbox, so the machine's own spool is never touched.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { CRONTAB_COMMAND_MAX_BYTES, CRONTAB_MAX_LINES, checkCrontabSyntax } from '../src/orchestration/backends/crontabs/crontab-syntax.js';
import { cronEscapeCommand, validateCronCommand } from '../src/orchestration/backends/crontabs/cron.js';
import { renderCrontabLines } from '../src/orchestration/backends/crontabs/crontabs.backend.js';
import { HostSandbox } from './support/host-sandbox.js';

let h: HostSandbox;
beforeAll(async () => {
  h = await HostSandbox.start('cron-syntax');
  await h.exec(['useradd', '-M', 'cronsyntax']);
});
afterAll(async () => {
  await h?.stop();
});

interface Verdict {
  ok: boolean;
  /** What crontab prints about the first problem, without its file name: `5: bad command`, or a whole-file line. */
  message: string;
}

/** Runs every text through the real crontab in one script; one verdict per text. */
async function realVerdicts(texts: readonly string[]): Promise<Verdict[]> {
  const script = texts
    .map((text) => {
      const b64 = Buffer.from(text, 'utf8').toString('base64');
      return `err=$(base64 -d <<<'${b64}' | crontab -n -u cronsyntax - 2>&1 >/dev/null) && rc=0 || rc=$?; printf '%s %s\\n' "$rc" "$(printf '%s' "$err" | base64 -w0)"`;
    })
    .join('\n');
  const r = await h.bash(`set -uo pipefail\n${script}\n`);
  if (r.code !== 0) throw new Error(`corpus script failed: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [rc, b64] = line.split(' ');
      const stderr = Buffer.from(b64 ?? '', 'base64').toString('utf8');
      // `"-":N: why` then "errors in crontab file, can't install."; or one whole-file line.
      const first = stderr.split('\n')[0]!.replace(/^"-":/, '').replace(/, can't install\.$/, '');
      return { ok: rc === '0', message: rc === '0' ? '' : first };
    });
}

function portVerdict(text: string): Verdict {
  const e = checkCrontabSyntax(text);
  if (!e) return { ok: true, message: '' };
  return { ok: false, message: /^(crontab is too long|new crontab file)/.test(e.message) ? e.message : `${e.reportedLine}: ${e.message}` };
}

async function expectAgreement(texts: readonly string[]): Promise<void> {
  const real = await realVerdicts(texts);
  const disagreements = texts
    .map((text, i) => ({ text: text.length > 120 ? `${text.slice(0, 120)}… (${text.length})` : text, real: real[i], port: portVerdict(text) }))
    .filter((c) => c.real!.ok !== c.port.ok || c.real!.message !== c.port.message);
  expect(disagreements).toEqual([]);
}

/** Commands as users might write them; each is tried as the command of an entry, escaped as Orchestra writes it. */
const COMMANDS = [
  '*', '* x', '*/5 x', '**', '*x', 'x *', 'echo *', '@reboot', '@daily x', '5 echo', '0', '-x', '--', '#', '# x',
  '%', 'a%b', '100%', '\\', 'echo \\', 'a\\\\b', '\\%', "'", '"', '=', 'A=B', 'A = B', 'A="b"', 'echo a\tb', 'a\tb\t',
  'a\rb', '\r', 'a\u000bb', 'a\u000cb', 'é', 'ünïcødé 日本 🔑', '\u00a0x', '$(id)', '`id`', "'; touch /tmp/x; '",
  'x'.repeat(CRONTAB_COMMAND_MAX_BYTES - 1), 'x'.repeat(CRONTAB_COMMAND_MAX_BYTES), 'x'.repeat(CRONTAB_COMMAND_MAX_BYTES + 1),
  'é'.repeat(CRONTAB_COMMAND_MAX_BYTES / 2), 'é'.repeat(CRONTAB_COMMAND_MAX_BYTES / 2 + 1), '日'.repeat(333), '%'.repeat(499), '%'.repeat(500),
];

/** Whole crontabs, written directly (schedules, environment settings, comments, the end of the file). */
const TEXTS = [
  '', '\n', '\n\n', '# only a comment', '# only a comment\n', '   \t\n', '* * * * * x', '* * * * * x\n', '* * * * * x\n# end',
  '*\n', '* * * *\n', '* * * * *\n', '* * * * * \n', '* * * * *\t\n', 'x\n', '=x\n', 'A=\n', 'A=b\n', 'MAILTO=""\n',
  'A = "b c"\n', "A = 'b'\n", 'A="b\n', 'A b\n', '"A"=b\n', "'A=b'\n", 'A=b c  \n', `A=${'v'.repeat(1000)}\n`, `${'N'.repeat(990)}=vvvvvvvvvvv\n`,
  '1;x * * * * y\n', '1x * * * * y\n', '5/10 * * * * x\n', '*/0 * * * * x\n', '*/60 * * * * x\n', '5-1 * * * * x\n', '60 * * * * x\n',
  '-1 * * * * x\n', '* 24 * * * x\n', '* * 0 * * x\n', '* * 32 * * x\n', '* * * 13 * x\n', '* * * JAN * x\n', '* * * jan-Mar * x\n',
  '* * * * 7 x\n', '* * * * 8 x\n', '* * * * sun,SAT x\n', '* * * * mon#2 x\n', '* * * * Sunday x\n', '1,,2 * * * * x\n', '1, * * * * x\n',
  '1-59/2147483647 * * * * x\n', '*/2147483648 * * * * x\n', '0001 * * * * x\n', '99999999999 * * * * x\n', `${'1'.repeat(1000)} * * * * x\n`,
  '@reboot x\n', '@yearly\n', '@annually x\n', '@midnight x\n', '@foo x\n', '@ x\n', '@reboot * x\n', '@hourly\t*\n',
  '  * * * * * x\n', '\t# indented comment\n* * * * * x\n', '* * * * * x\r\n', '*\t*\t*\t*\t*\tx\n', '* * * * * x\n* * * * * *\n',
  '# a\n# b\n# entry 1\n* * * * * true\n# entry 2\n* * * * * *\n',
  '#'.repeat(CRONTAB_MAX_LINES).split('').join('\n') + '\n',
  '#'.repeat(CRONTAB_MAX_LINES + 1).split('').join('\n') + '\n',
  '* * * * * x\n'.repeat(CRONTAB_MAX_LINES),
  '* * * * * x\n'.repeat(CRONTAB_MAX_LINES - 1) + '* * * * * *\n',
];

describe('the port agrees with the real crontab', () => {
  test('on whole crontabs: schedules, environment settings, comments, line count, the final newline', async () => {
    await expectAgreement(TEXTS);
  });

  test('on commands, each as an entry rendered by the crontabs backend', async () => {
    const texts = COMMANDS.map(
      (command, i) => renderCrontabLines({ systemUsername: 'cronsyntax', isActive: true, entries: [{ id: String(i), minute: '*', hour: '*', dayOfMonth: '*', month: '*', dayOfWeek: '*', command, description: '' }] }).join('\n') + '\n',
    );
    await expectAgreement(texts);
  });
});

describe('what the API accepts installs', () => {
  test('every command validateCronCommand accepts is installed by the real crontab; what it refuses, it says why', async () => {
    const accepted = COMMANDS.filter((c) => validateCronCommand(c) === null);
    expect(accepted.length).toBeGreaterThan(20);
    const real = await realVerdicts(accepted.map((c) => `0 3 * * * ${cronEscapeCommand(c.trim())}\n`));
    expect(accepted.filter((_, i) => !real[i]!.ok)).toEqual([]);
    expect(validateCronCommand('*')).toMatch(/must not start with "\*"/);
    expect(validateCronCommand('* x')).toMatch(/must not start with "\*"/);
    expect(validateCronCommand('x'.repeat(CRONTAB_COMMAND_MAX_BYTES + 1))).toMatch(/at most 998 bytes/);
  });
});
