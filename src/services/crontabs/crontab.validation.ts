/**
 * A crontab line's fields, checked with the crontabs backend's own validators (src/orchestration/backends/crontabs/cron.ts),
 * so the API accepts exactly what the backend renders.
 *
 * Decisions:
 * - Schedule fields are stored normalised as parseCronField returns them (trimmed of spaces, names lowercased);
 *   line breaks and other control characters are refused even around the value.
 * - The command and description are stored trimmed (the backend trims them too, so what is stored is what runs).
 *   Anything else in them is kept verbatim: quotes, `$()`, backticks, a leading "-", unicode are legitimate in a
 *   shell command, which runs as the system user anyway; the backend escapes `%` and quotes the whole crontab.
 *   Line breaks, NUL and other control characters, and broken Unicode are refused.
 * - `crontab` refuses a whole crontab for one bad line, so a line is also checked as part of the WHOLE crontab its
 *   system user would then have (checkUserCrontab), with the backend's own rendering and check: an entry already
 *   stored that crontab would refuse (saved before this check existed) is named, so it can be fixed or deleted.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Crontab } from '../../entities/services/crontab.js';
import type { SystemUser } from '../../entities/services/system-user.js';
import { SnapshotValidationError } from '../../orchestration/backends/backend.js';
import { CRONTAB_MAX_ENTRIES, crontabsBackend, type CrontabSource } from '../../orchestration/backends/crontabs/crontabs.backend.js';
import { toGlobalId } from '../../schema/relay/global-id.js';
import { CRON_FIELD_KINDS, parseCronField, validateCronCommand, validateCronDescription, type CronFieldKind } from '../../orchestration/backends/crontabs/cron.js';
import { UserErrorCode } from '../../errors/user-input-error.js';
import type { Validator } from '../../validation/validator.js';

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

/** The id the line being created has in the check: after every stored one, as its real id will be. */
const NEW_ENTRY = 'new';

/**
 * Checks the whole crontab `user` would have with `entry` saved (created when it has no id yet; removed from the
 * crontab when inactive). Problems of the entry itself go to its field; others (another stored entry, too many
 * entries) to `crontabField`, naming the entry.
 */
export async function checkUserCrontab(
  v: Validator,
  em: EntityManager,
  user: SystemUser,
  entry: CrontabFields & { id?: string; isActive: boolean },
  crontabField: string,
): Promise<void> {
  const others = await em.find(Crontab, { systemUser: user.id, isActive: true, ...(entry.id ? { id: { $ne: entry.id } } : {}) }, { filters: false });
  checkWholeCrontab(v, user, entry, others, crontabField);
}

/** checkUserCrontab with the user's other active lines already read (`others`: without the entry itself). */
export function checkWholeCrontab(
  v: Validator,
  user: SystemUser,
  entry: CrontabFields & { id?: string; isActive: boolean },
  others: readonly Crontab[],
  crontabField: string,
): void {
  if (others.length + (entry.isActive ? 1 : 0) > CRONTAB_MAX_ENTRIES) {
    v.add(crontabField, `a crontab has at most ${CRONTAB_MAX_ENTRIES} active lines`, UserErrorCode.TOO_LONG);
    return;
  }
  const entries: CrontabSource['entries'][number][] = others.map((o) => ({ ...pick(o), id: o.id }));
  if (entry.isActive) entries.push({ ...pick(entry), id: entry.id ?? NEW_ENTRY });
  try {
    crontabsBackend.snapshot({ systemUsername: user.username, entries, isActive: true } satisfies CrontabSource);
  } catch (err) {
    if (!(err instanceof SnapshotValidationError)) throw err;
    for (const issue of err.issues) {
      const match = /^entries\[(\d+)\](?:\.(\w+))?$/.exec(issue.field);
      const culprit = match ? entries[Number(match[1])] : undefined;
      if (culprit && culprit.id === (entry.id ?? NEW_ENTRY)) v.add(match![2] ?? 'command', issue.message);
      else if (culprit) v.add(crontabField, `line ${toGlobalId('Crontab', String(culprit.id))} of this crontab: ${match![2] ?? ''} ${issue.message}`.replace('  ', ' '));
      else v.add(crontabField, issue.message);
    }
  }
}

function pick(fields: CrontabFields) {
  const { minute, hour, dayOfMonth, month, dayOfWeek, command, description } = fields;
  return { minute, hour, dayOfMonth, month, dayOfWeek, command, description };
}
