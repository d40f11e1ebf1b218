/**
 * A crontab line's fields, checked with the crontabs backend's own validators (src/orchestration/backends/cron.ts),
 * so the API accepts exactly what the backend renders.
 *
 * Decisions:
 * - Schedule fields are stored normalised as parseCronField returns them (trimmed of spaces, names lowercased);
 *   line breaks and other control characters are refused even around the value.
 * - The command and description are stored trimmed (the backend trims them too, so what is stored is what runs).
 *   Anything else in them is kept verbatim: quotes, `$()`, backticks, a leading "-", unicode are legitimate in a
 *   shell command, which runs as the system user anyway; the backend escapes `%` and quotes the whole crontab.
 *   Line breaks, NUL and other control characters, and broken Unicode are refused.
 */
import { CRON_FIELD_KINDS, parseCronField, validateCronCommand, validateCronDescription, type CronFieldKind } from '../../orchestration/backends/cron.js';
import { UserErrorCode } from '../user-input-error.js';
import type { Validator } from '../validation.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export type CrontabFields = Record<CronFieldKind, string> & { command: string; description: string };

export const CRONTAB_FIELDS: (keyof CrontabFields)[] = [...CRON_FIELD_KINDS, 'command', 'description'];

/** Validates a whole line (after an update is merged in); returns the values to store. */
export function checkCrontab(v: Validator, input: CrontabFields): CrontabFields {
  const out = {} as CrontabFields;
  for (const kind of CRON_FIELD_KINDS) {
    // parseCronField trims every kind of white space; a line break or other control character is refused instead.
    const parsed = CONTROL.test(input[kind])
      ? { ok: false as const, error: 'must not contain line breaks or control characters' }
      : parseCronField(kind, input[kind]);
    if (parsed.ok) out[kind] = parsed.value;
    else {
      v.add(kind, parsed.error);
      out[kind] = input[kind];
    }
  }
  const commandProblem = validateCronCommand(input.command);
  if (commandProblem) v.add('command', commandProblem, input.command.trim() === '' ? UserErrorCode.REQUIRED : UserErrorCode.INVALID);
  out.command = input.command.trim();
  const descriptionProblem = validateCronDescription(input.description);
  if (descriptionProblem) v.add('description', descriptionProblem);
  out.description = input.description.trim();
  return out;
}

/** The five schedule fields as one line, e.g. "*\/5 * * * *". */
export function scheduleOf(fields: Record<CronFieldKind, string>): string {
  return CRON_FIELD_KINDS.map((kind) => fields[kind]).join(' ');
}
