/**
 * Crontabs (the example of docs/create-services.md in django-orchestra, seed 000): scheduled commands of a system
 * user, installed with `crontab -u <user> -`.
 *
 * Decisions:
 * - The model 'Crontab' is one schedule line (as in the seed: schedule + command + description). Its snapshot
 *   carries the WHOLE crontab of its system user as the database has it, so the backend synchronises: it renders
 *   the user's complete crontab, diffs it against `crontab -l -u` and installs only when different. Manual edits
 *   on the server are overwritten (the header says so). Both save and delete synchronise; with no entry left the
 *   crontab is removed (`crontab -r -u`).
 * - A delete's snapshot may have been taken before the row was gone: entries whose id is deleted by an operation
 *   of the same group are dropped. Several operations for one user in a group: only the last one (commit order,
 *   hence the newest snapshot) writes; the earlier sections say they are superseded.
 * - Entries are ordered by id (numeric-aware) so the rendered crontab, and therefore the diff, is stable.
 * - `isActive` false (the account or the system user is disabled) keeps the entries as comments: nothing runs,
 *   nothing is lost, and enabling restores them. (The system-users backend also expires a disabled user.)
 * - Every field is validated by ./cron.ts; `%` and `\` in commands are escaped for cron; newlines are refused.
 * - `crontab` refuses a whole crontab for one bad line, and from then on every change of that user would fail on
 *   every server. So the WHOLE crontab, as it renders once active, must pass `crontab`'s own check
 *   (./crontab-syntax.ts): a snapshot that would not is refused here (and the API refuses it before, as userErrors).
 *   A crontab has at most CRONTAB_MAX_ENTRIES entries, well inside crontab's 10000 lines.
 * - The script installs with `crontab -u USER -`, which checks the new crontab before it replaces the installed
 *   one: if a server's cron refuses it anyway (another cron version), the old crontab stays, and the run fails
 *   with crontab's reason and "the installed crontab is unchanged".
 * - The script refuses a missing user on save (FAILURE: the system user must exist first; commit order normally
 *   guarantees it) and a system account (uid < UID_MIN: no root crontab from the panel).
 */
import { defineBackend, type TypedOperation } from '../backend.js';
import { ShellCode, continuedWords, joinShell, sh, shComment } from '../../shell/quote.js';
import { bashFragment } from '../../shell/fragment.js';
import { IssueList, isPlainObject, own } from '../validation.js';
import { validateUsername } from '../system-users/system-users.backend.js';
import { CRON_FIELD_KINDS, cronEscapeCommand, parseCronField, validateCronCommand, validateCronDescription } from './cron.js';
import { checkCrontabSyntax } from './crontab-syntax.js';

/** Most entries in one system user's crontab. */
export const CRONTAB_MAX_ENTRIES = 1000;

export interface CrontabEntry {
  id: string;
  minute: string;
  hour: string;
  dayOfMonth: string;
  month: string;
  dayOfWeek: string;
  command: string;
  description: string;
}

/** The plain object the collector passes to `snapshot()`; missing schedule fields default to `*`. */
export interface CrontabSource {
  systemUsername: string;
  entries: readonly (Partial<Omit<CrontabEntry, 'id' | 'command'>> & { id: string | number; command: string })[];
  /** False when the system user or its account is disabled. Defaults to true. */
  isActive?: boolean;
}

export interface CrontabSnapshot {
  systemUsername: string;
  /** Every entry of the user, validated and normalised, ordered by id. */
  entries: CrontabEntry[];
  isActive: boolean;
}

function validate(raw: unknown, fromSource: boolean): CrontabSnapshot {
  const issues = new IssueList();
  const obj = issues.object(raw, crontabsBackend.name);
  const systemUsername = issues.string(obj, 'systemUsername');
  if (systemUsername) issues.check('systemUsername', validateUsername(systemUsername));
  const isActive = issues.boolean(obj, 'isActive', 'isActive', fromSource ? true : undefined);
  const rawEntries = own(obj, 'entries');
  const entries: CrontabEntry[] = [];
  if (!Array.isArray(rawEntries)) issues.add('entries', 'must be a list');
  else {
    const seen = new Set<string>();
    rawEntries.forEach((rawEntry, i) => {
      const at = `entries[${i}]`;
      if (!isPlainObject(rawEntry)) return issues.add(at, 'must be an object');
      const id = issues.id(rawEntry, 'id', `${at}.id`);
      if (id && seen.has(id)) issues.add(`${at}.id`, `duplicate id ${id}`);
      seen.add(id);
      const schedule = {} as Record<(typeof CRON_FIELD_KINDS)[number], string>;
      for (const kind of CRON_FIELD_KINDS) {
        const value = own(rawEntry, kind) ?? (fromSource ? '*' : undefined);
        if (typeof value !== 'string') {
          issues.add(`${at}.${kind}`, 'must be a string');
          continue;
        }
        const parsed = parseCronField(kind, value);
        if (parsed.ok) schedule[kind] = parsed.value;
        else issues.add(`${at}.${kind}`, parsed.error);
      }
      const command = issues.string(rawEntry, 'command', `${at}.command`);
      issues.check(`${at}.command`, validateCronCommand(command));
      const description = own(rawEntry, 'description') ?? (fromSource ? '' : undefined);
      if (typeof description !== 'string') issues.add(`${at}.description`, 'must be a string');
      else issues.check(`${at}.description`, validateCronDescription(description));
      entries.push({ id, ...schedule, command: command.trim(), description: typeof description === 'string' ? description.trim() : '' });
    });
  }
  if (entries.length > CRONTAB_MAX_ENTRIES) issues.add('entries', `must be at most ${CRONTAB_MAX_ENTRIES} entries`);
  issues.throwIfAny(crontabsBackend.name);
  entries.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  const snapshot = { systemUsername, entries, isActive };
  const refused = crontabProblem(snapshot);
  if (refused) {
    const at = refused.entryId === null ? 'entries' : `entries[${(rawEntries as unknown[]).findIndex((e) => String((e as { id: unknown }).id) === refused.entryId)}]`;
    issues.add(at, refused.message);
    issues.throwIfAny(crontabsBackend.name);
  }
  return snapshot;
}

/** The lines of the crontab, each with the id of the entry it belongs to (none for the header). */
function renderCrontab(snapshot: CrontabSnapshot): { line: string; entryId: string | null }[] {
  const lines: { line: string; entryId: string | null }[] = [
    { line: `# Crontab of ${snapshot.systemUsername}, managed by Orchestra from the control panel database.`, entryId: null },
    { line: '# Changes made here are overwritten by the next change or synchronisation.', entryId: null },
  ];
  if (!snapshot.isActive) lines.push({ line: '# Disabled: every entry is kept as a comment until the user is enabled again.', entryId: null });
  for (const e of snapshot.entries) {
    // Descriptions are validated single-line text, and only ever used in a comment line.
    lines.push({ line: `# entry ${e.id}${e.description ? `: ${e.description}` : ''}`, entryId: e.id });
    const line = `${e.minute} ${e.hour} ${e.dayOfMonth} ${e.month} ${e.dayOfWeek} ${cronEscapeCommand(e.command)}`;
    lines.push({ line: snapshot.isActive ? line : `#${line}`, entryId: e.id });
  }
  return lines;
}

/** The complete crontab of the user, one string per line. */
export function renderCrontabLines(snapshot: CrontabSnapshot): string[] {
  return renderCrontab(snapshot).map((l) => l.line);
}

/**
 * Why `crontab` would refuse this crontab once active (a disabled one is all comments, but enabling it must not
 * break it), with the entry the problem is in; null when it would install it.
 */
export function crontabProblem(snapshot: CrontabSnapshot): { entryId: string | null; message: string } | null {
  const lines = renderCrontab({ ...snapshot, isActive: true });
  const refused = checkCrontabSyntax(lines.map((l) => `${l.line}\n`).join(''));
  if (!refused) return null;
  return { entryId: lines[refused.line - 1]?.entryId ?? null, message: `crontab refuses the crontab: ${refused.message}` };
}

// Constant bash in the .sh files beside this module; the sections call their functions with quoted arguments.
const INSTALL = bashFragment(new URL('./install.sh', import.meta.url));
const REMOVE = bashFragment(new URL('./remove.sh', import.meta.url));

/** The operations of the group that write each user's crontab (the last one per user), with deleted ids. */
function plan(operations: readonly TypedOperation<CrontabSnapshot>[]) {
  const lastIndex = new Map<string, number>();
  const deleted = new Map<string, Set<string>>();
  operations.forEach((op, i) => {
    const user = op.snapshot.systemUsername;
    lastIndex.set(user, i);
    if (op.action === 'delete') {
      if (!deleted.has(user)) deleted.set(user, new Set());
      deleted.get(user)!.add(op.objectId);
    }
  });
  return { lastIndex, deleted };
}

/**
 * What operation `index` writes: its user's entries (none left: the crontab is removed), or the index of the later
 * operation of the group that writes the same crontab instead.
 */
function written(
  operations: readonly TypedOperation<CrontabSnapshot>[],
  index: number,
  { lastIndex, deleted } = plan(operations),
): { entries: CrontabEntry[] } | { supersededBy: number } {
  const op = operations[index]!;
  const last = lastIndex.get(op.snapshot.systemUsername)!;
  if (index !== last) return { supersededBy: last };
  const gone = deleted.get(op.snapshot.systemUsername) ?? new Set<string>();
  return { entries: op.snapshot.entries.filter((e) => !gone.has(e.id)) };
}

export const crontabsBackend = defineBackend<CrontabSnapshot>({
  name: 'crontabs',
  description: "Scheduled commands of a system user: the user's whole crontab, synchronised with crontab -u.",
  model: 'Crontab',
  ignoredFields: ['createdAt', 'updatedAt'],
  actions: ['save', 'delete'],
  timeoutMs: 60_000,
  matchFields: ['crontab.systemUsername', 'crontab.isActive'],
  booleanMatchFields: ['crontab.isActive'],
  snapshot: (source) => validate(source, true),
  parseSnapshot: (raw) => validate(raw, false),
  matchContext: (s) => ({ crontab: { systemUsername: s.systemUsername, isActive: s.isActive } }),
  label: (s) => `crontab of ${s.systemUsername}`,
  prepare(operations) {
    // Only the functions the sections call: shellcheck flags a function no one calls as dead code.
    const planned = plan(operations);
    const counts = operations.map((_, i) => written(operations, i, planned)).flatMap((w) => ('entries' in w ? [w.entries.length] : []));
    return joinShell([counts.some((n) => n > 0) ? INSTALL : ShellCode.empty, counts.includes(0) ? REMOVE : ShellCode.empty], '\n\n');
  },
  section(op, index, operations) {
    const write = written(operations, index);
    if ('supersededBy' in write) {
      return shComment(`Superseded by operation ${operations[write.supersededBy]!.operationId} below, which writes the same crontab.`);
    }
    const user = op.snapshot.systemUsername;
    const n = write.entries.length;
    if (n === 0) return joinShell([shComment('No entry left: the crontab is removed.'), sh`remove_crontab ${user}`]);
    return joinShell([
      shComment(`${n} entr${n === 1 ? 'y' : 'ies'}${op.snapshot.isActive ? '' : ', disabled (kept as comments)'}.`),
      sh`install_crontab ${user}${continuedWords(renderCrontabLines({ ...op.snapshot, entries: write.entries }))}`,
    ]);
  },
});
