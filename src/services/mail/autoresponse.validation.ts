/**
 * An address's autoresponse. The subject becomes a mail header of every answer: one line, no control characters at
 * all (a `\r\n` would start a header of the sender's choosing), at most 200 characters. The message may have line
 * breaks (normalised to `\n`) but no other control characters. Dates are days (YYYY-MM-DD), `from` ≤ `until`.
 */
import type { Autoresponse } from '../../entities/mail/autoresponse.js';
import { UserErrorCode } from '../../errors/user-input-error.js';
import type { Validator } from '../../validation/validator.js';

export const AUTORESPONSE_SUBJECT_MAX = 200;
export const AUTORESPONSE_MESSAGE_MAX = 10_000;
const DAY = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

export interface AutoresponseFields {
  isActive?: boolean | null;
  from?: string | null;
  until?: string | null;
  subject: string;
  message: string;
  days?: number | null;
}

function checkDay(v: Validator, field: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const date = new Date(`${value}T00:00:00Z`);
  if (!DAY.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    v.add(field, 'must be a date, YYYY-MM-DD');
    return null;
  }
  return value;
}

/** `name`: the address's local part ('' is a catch-all, which cannot answer: vacation answers only its own address). */
export function checkAutoresponse(v: Validator, input: AutoresponseFields, name: string): Autoresponse {
  if (name === '') v.add('autoresponse', 'a catch-all cannot have an autoresponse');
  const subject = input.subject.trim();
  if (subject === '') v.add('autoresponse.subject', 'is required', UserErrorCode.REQUIRED);
  else if (subject.length > AUTORESPONSE_SUBJECT_MAX) v.add('autoresponse.subject', `must be at most ${AUTORESPONSE_SUBJECT_MAX} characters`, UserErrorCode.TOO_LONG);
  else if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(subject)) v.add('autoresponse.subject', 'must be one line without control characters');
  const message = input.message.replace(/\r\n?/g, '\n');
  if (message.trim() === '') v.add('autoresponse.message', 'is required', UserErrorCode.REQUIRED);
  else if (message.length > AUTORESPONSE_MESSAGE_MAX) v.add('autoresponse.message', `must be at most ${AUTORESPONSE_MESSAGE_MAX} characters`, UserErrorCode.TOO_LONG);
  else if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(message)) v.add('autoresponse.message', 'must not contain control characters');
  const days = input.days ?? 7;
  if (!Number.isInteger(days) || days < 1 || days > 365) v.add('autoresponse.days', 'must be 1 to 365');
  const from = checkDay(v, 'autoresponse.from', input.from);
  const until = checkDay(v, 'autoresponse.until', input.until);
  if (from && until && from > until) v.add('autoresponse.until', 'must not be before from');
  return { isActive: input.isActive ?? true, from, until, subject, message, days };
}
