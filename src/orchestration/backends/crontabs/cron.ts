/**
 * Validation of crontab entries, pure and exported for the GraphQL layer (input validation → userError).
 *
 * The accepted syntax is the intersection of what Vixie/Debian cron and cronie accept, checked on Debian's
 * `crontab`: per field a comma-separated list of items; an item is `*`, `N`, `N-M` (N <= M), each optionally
 * followed by `/STEP` only after `*` or a range (`5/10` is refused by Debian cron). Month and day-of-week also take
 * three-letter English names (any case, normalised to lowercase), in ranges and lists too. Nothing else: no
 * spaces, no `?`, `L`, `W`, `#`, no `@daily` macros.
 */

import { hasLoneSurrogate } from '../../shell/quote.js';
import { CRONTAB_COMMAND_MAX_BYTES, checkCrontabSyntax } from './crontab-syntax.js';

export type CronFieldKind = 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek';

export const CRON_FIELD_KINDS: readonly CronFieldKind[] = ['minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'];

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS: Record<CronFieldKind, { min: number; max: number; names?: readonly string[]; nameBase?: number; label: string }> = {
  minute: { min: 0, max: 59, label: 'minute' },
  hour: { min: 0, max: 23, label: 'hour' },
  dayOfMonth: { min: 1, max: 31, label: 'day of month' },
  month: { min: 1, max: 12, names: MONTHS, nameBase: 1, label: 'month' },
  // 0 and 7 are both Sunday.
  dayOfWeek: { min: 0, max: 7, names: DAYS, nameBase: 0, label: 'day of week' },
};

export const CRON_FIELD_MAX_LENGTH = 64;

export type CronFieldResult = { ok: true; value: string } | { ok: false; error: string };

/** Checks one schedule field; on success `value` is the normalised field (trimmed, names lowercased). */
export function parseCronField(kind: CronFieldKind, value: string): CronFieldResult {
  const spec = FIELDS[kind];
  if (!spec) return { ok: false, error: `unknown cron field ${String(kind)}` };
  if (typeof value !== 'string') return { ok: false, error: `${spec.label}: must be a string` };
  const text = value.trim().toLowerCase();
  const fail = (why: string): CronFieldResult => ({ ok: false, error: `${spec.label} "${printable(value)}": ${why}` });
  if (text === '') return fail('must not be empty (use * for every value)');
  if (text.length > CRON_FIELD_MAX_LENGTH) return fail(`must be at most ${CRON_FIELD_MAX_LENGTH} characters`);
  if (!/^[0-9a-z*,/-]+$/.test(text)) return fail('only digits, names, "*", ",", "-" and "/" are allowed');

  const number = (token: string): number | null => {
    if (/^[0-9]{1,2}$/.test(token)) {
      const n = Number(token);
      return n >= spec.min && n <= spec.max ? n : null;
    }
    if (spec.names && /^[a-z]{3}$/.test(token)) {
      const i = spec.names.indexOf(token);
      return i < 0 ? null : i + spec.nameBase!;
    }
    return null;
  };
  const allowed = spec.names ? `${spec.min}-${spec.max} or a name (${spec.names[0]}…)` : `${spec.min}-${spec.max}`;

  for (const item of text.split(',')) {
    if (item === '') return fail('empty item in the list');
    const [base, step, extra] = item.split('/');
    if (extra !== undefined) return fail(`"${item}" has more than one "/"`);
    let span: number;
    if (base === '*') span = spec.max - spec.min + 1;
    else {
      const [from, to, more] = base!.split('-');
      if (more !== undefined) return fail(`"${base}" is not a range`);
      const a = number(from!);
      if (a === null) return fail(`"${from}" is not ${allowed}`);
      if (to === undefined) {
        if (step !== undefined) return fail(`a step needs "*" or a range before it ("${item}")`);
        continue;
      }
      const b = number(to);
      if (b === null) return fail(`"${to}" is not ${allowed}`);
      if (a > b) return fail(`the range "${base}" goes backwards`);
      span = b - a + 1;
    }
    if (step !== undefined) {
      if (!/^[0-9]{1,2}$/.test(step) || Number(step) < 1) return fail(`the step "${step}" must be a positive number`);
      if (Number(step) > span) return fail(`the step ${step} is larger than the range`);
    }
  }
  return { ok: true, value: text };
}

/** Longest command accepted, in bytes as written into the crontab (escaped): what Debian's `crontab` installs. */
export const CRON_COMMAND_MAX_BYTES = CRONTAB_COMMAND_MAX_BYTES;
export const CRON_DESCRIPTION_MAX_LENGTH = 256;

/**
 * Null when the command is acceptable, else why not. The command is what /bin/sh runs, `%` and `\` included. Past
 * our own rules (one line, no control character but tab, valid Unicode), the entry it makes must pass `crontab`'s
 * own check (./crontab-syntax.ts), which refuses the whole crontab for one bad line.
 */
export function validateCronCommand(command: string): string | null {
  if (typeof command !== 'string') return 'must be a string';
  if (command.trim() === '') return 'must not be empty';
  if (/[\r\n\u2028\u2029]/.test(command)) return 'must be a single line (cron has no multi-line commands)';
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(command)) return 'must not contain control characters';
  if (hasLoneSurrogate(command)) return 'must be valid Unicode';
  const refused = checkCrontabSyntax(`* * * * * ${cronEscapeCommand(command.trim())}\n`);
  if (refused?.message === 'bad command') return 'must not start with "*" (crontab takes it for a sixth schedule field and refuses the crontab)';
  if (refused?.message === 'command too long') {
    return `must be at most ${CRON_COMMAND_MAX_BYTES} bytes as written in the crontab (each % written \\%, each \\ written \\\\)`;
  }
  if (refused) return `is refused by crontab (${refused.message})`;
  return null;
}

export function validateCronDescription(description: string): string | null {
  if (typeof description !== 'string') return 'must be a string';
  if (description.length > CRON_DESCRIPTION_MAX_LENGTH) return `must be at most ${CRON_DESCRIPTION_MAX_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(description)) return 'must be a single line without control characters';
  if (hasLoneSurrogate(description)) return 'must be valid Unicode';
  return null;
}

/**
 * How a command is written into a crontab so that cron runs exactly it. Debian's cron reads the command part of a
 * line with two escapes: an unescaped `%` ends the command (the rest becomes its stdin, with `%` as newlines), and
 * a backslash before `%` or before another backslash is removed (its patch "Handle escapes in job input": `\\`
 * runs as `\`). Users write the command as the shell should run it, so every `\` is written `\\` and every `%`
 * `\%`; any other backslash sequence cron leaves alone, and `\\` then `x` gives back `\x`.
 */
export function cronEscapeCommand(command: string): string {
  return command.replace(/[\\%]/g, (c) => `\\${c}`);
}

function printable(value: unknown): string {
  return String(value).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?').slice(0, 80);
}
