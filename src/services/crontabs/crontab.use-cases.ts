import type { EntityManager } from '@mikro-orm/postgresql';
import { Crontab } from '../../entities/services/crontab.js';
import type { SystemUser } from '../../entities/services/system-user.js';
import { noteTouched } from '../../audit/audit-note.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { idOf, toGlobalId } from '../../schema/relay/global-id.js';
import type { UseCase } from '../../use-cases/use-case.js';
import { Validator } from '../../validation/validator.js';
import { findSystemUser } from '../system-users/system-user.use-cases.js';
import { CRONTAB_FIELDS, checkCrontab, checkUserCrontab, checkWholeCrontab, type CrontabFields } from './crontab.validation.js';
import { sql } from '@mikro-orm/core';

/**
 * Loads a crontab line the EntityManager may see, with its account and its system user (one joined statement: a
 * change checks the user's whole crontab, and a separate read of the user was a round trip per change), or fails
 * with NOT_FOUND on `field`.
 */
export async function findCrontab(em: EntityManager, globalId: string, field = 'id'): Promise<Crontab> {
  const crontab = await em.findOne(Crontab, { id: idOf('Crontab', globalId, field) }, { populate: ['account', 'systemUser'] });
  if (!crontab) throw new NotFoundError('Crontab', field);
  return crontab;
}

/**
 * A line the EntityManager may see with its account, its system user, and that user's other active lines (the
 * crontab a change of the line is checked against, whole): ONE joined statement, where the line with its user and
 * then the user's lines were two round trips per change. Fails with NOT_FOUND on `field`. (The other lines are read
 * under the same visibility as the line: a user's lines are all in the user's account.)
 */
async function findCrontabInItsCrontab(em: EntityManager, globalId: string, field: string): Promise<{ crontab: Crontab; others: Crontab[] }> {
  const id = idOf('Crontab', globalId, field);
  const lines = await em.find(
    Crontab,
    { systemUser: sql`(select c.system_user_id from crontab c where c.id = ${id})`, $or: [{ id }, { isActive: true }] },
    { populate: ['account', 'systemUser'], orderBy: { id: 'asc' } },
  );
  const crontab = lines.find((line) => line.id === id);
  if (!crontab) throw new NotFoundError('Crontab', field);
  return { crontab, others: lines.filter((line) => line !== crontab && line.isActive) };
}

/** The line's own fields, then the whole crontab its system user would have with it (`others`: read with it, or now). */
async function checked(
  em: EntityManager,
  user: SystemUser,
  fields: CrontabFields,
  line: { id?: string; isActive: boolean },
  crontabField: string,
  others?: readonly Crontab[],
): Promise<CrontabFields> {
  const v = new Validator();
  const result = checkCrontab(v, fields);
  if (v.ok && others) checkWholeCrontab(v, user, { ...result, ...line }, others, crontabField);
  else if (v.ok) await checkUserCrontab(v, em, user, { ...result, ...line }, crontabField);
  v.check();
  return result;
}

export type NewCrontab = { systemUserId: string; command: string } & Partial<Record<Exclude<keyof CrontabFields, 'command'>, string | null>>;

/** Adds a line to a system user's crontab. */
export async function createCrontab({ em, audit }: UseCase, input: NewCrontab): Promise<Crontab> {
  const systemUser = await findSystemUser(em, input.systemUserId, 'input.systemUserId');
  const account = systemUser.account.getEntity();
  noteTouched(audit, account);
  const fields = await checked(
    em,
    systemUser,
    {
      minute: input.minute ?? '*',
      hour: input.hour ?? '*',
      dayOfMonth: input.dayOfMonth ?? '*',
      month: input.month ?? '*',
      dayOfWeek: input.dayOfWeek ?? '*',
      command: input.command,
      description: input.description ?? '',
    },
    { isActive: true },
    'systemUserId',
  );
  const crontab = em.create(Crontab, { account, systemUser, ...fields });
  await em.flush();
  audit.objectIds.push(toGlobalId('Crontab', crontab.id));
  return crontab;
}

export type CrontabChanges = { id: string; isActive?: boolean | null } & Partial<Record<keyof CrontabFields, string | null>>;

/** Changes a line (its schedule, command, description, or whether it is active). */
export async function updateCrontab({ em, audit }: UseCase, input: CrontabChanges): Promise<Crontab> {
  const { crontab, others } = await findCrontabInItsCrontab(em, input.id, 'input.id');
  noteTouched(audit, crontab.account.getEntity(), input.id);
  const merged = Object.fromEntries(CRONTAB_FIELDS.map((k) => [k, input[k] ?? crontab[k]])) as CrontabFields;
  const isActive = input.isActive ?? crontab.isActive;
  const fields = await checked(em, crontab.systemUser.getEntity(), merged, { id: crontab.id, isActive }, 'id', others);
  const changed: string[] = CRONTAB_FIELDS.filter((k) => fields[k] !== crontab[k]);
  em.assign(crontab, Object.fromEntries(changed.map((k) => [k, fields[k as keyof CrontabFields]])));
  if (isActive !== crontab.isActive) {
    crontab.isActive = isActive;
    changed.push('isActive');
  }
  audit.changedFields = changed;
  return crontab;
}

/** Removes the line; the crontab on the servers is rewritten without it. */
export async function deleteCrontab({ em, audit }: UseCase, id: string): Promise<void> {
  const { crontab, others } = await findCrontabInItsCrontab(em, id, 'id');
  noteTouched(audit, crontab.account.getEntity(), id);
  // What remains must still install (a line stored before crontab's check existed is named, not hit later).
  const v = new Validator();
  checkWholeCrontab(v, crontab.systemUser.getEntity(), { ...crontab, id: crontab.id, isActive: false }, others, 'id');
  v.check();
  em.remove(crontab);
}
