import { CRON_FIELD_KINDS, parseCronField } from '../orchestration/backends/crontabs/cron.js';

/**
 * A resource's monitoring schedule: five cron fields (minute hour day-of-month month day-of-week), each checked by
 * the crontab backend's field parser, then handed to a Temporal Schedule as a cron expression (in UTC). Returns the
 * normalised expression, or why not.
 */
export function parseMonitorCron(text: string): { ok: true; value: string } | { ok: false; error: string } {
  const fields = text.trim().split(/\s+/);
  if (text.length > 200 || fields.length !== 5) return { ok: false, error: 'must be five cron fields: minute hour day-of-month month day-of-week' };
  const normal: string[] = [];
  for (const [i, kind] of CRON_FIELD_KINDS.entries()) {
    const field = parseCronField(kind, fields[i]!);
    if (!field.ok) return { ok: false, error: field.error };
    normal.push(field.value);
  }
  return { ok: true, value: normal.join(' ') };
}
