import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityName, Reference } from '@mikro-orm/core';
import { Account } from '../../entities/accounts/account.js';
import { Crontab } from '../../entities/services/crontab.js';
import { SystemUser } from '../../entities/services/system-user.js';
import type { CrontabSource } from '../backends/crontabs.js';
import type { SystemUserSource } from '../backends/system-users.js';

/**
 * From an entity to the plain object its backends' `snapshot()` takes. Runs inside the committing transaction, so it
 * reads the state being committed; for a deleted entity it uses the state it had in memory.
 */
export interface ObjectSource {
  account: Account | null;
  label: string;
  source: unknown;
}

/** A to-one reference's entity, loaded if needed; deleted rows are still in the identity map. */
async function entityOf<T extends object>(ref: Reference<T>): Promise<T> {
  return ref.isInitialized() ? ref.getEntity() : ((await ref.load({ filters: false })) as T);
}

async function systemUserSource(_em: EntityManager, user: SystemUser): Promise<ObjectSource> {
  const account = await entityOf(user.account as Reference<Account>);
  const source: SystemUserSource = {
    username: user.username,
    passwordHash: user.passwordHash,
    home: user.home || null,
    shell: user.shell,
    groups: user.groups,
    isActive: user.isActive,
    isMain: user.isMain,
    account: { username: account.username, isActive: account.isActive, type: account.type },
  };
  return { account, label: user.username, source };
}

async function crontabSource(em: EntityManager, crontab: Crontab): Promise<ObjectSource> {
  const user = await entityOf(crontab.systemUser as Reference<SystemUser>);
  const account = await entityOf(crontab.account as Reference<Account>);
  // The whole crontab of the user, as committed: the backend synchronises it.
  const entries = await em.find(Crontab, { systemUser: user.id, isActive: true }, { orderBy: { id: 'asc' }, filters: false });
  const source: CrontabSource = {
    systemUsername: user.username,
    isActive: user.isActive && account.isActive,
    entries: entries.map((e) => ({
      id: e.id,
      minute: e.minute,
      hour: e.hour,
      dayOfMonth: e.dayOfMonth,
      month: e.month,
      dayOfWeek: e.dayOfWeek,
      command: e.command,
      description: e.description,
    })),
  };
  return { account, label: `${user.username}: ${crontab.description || crontab.command}`.slice(0, 128), source };
}

/**
 * The service models backends configure on servers: their entity, the relations a source needs loaded, and the source
 * builder. Preview, synchronisation and the orchestrate command look models up here.
 */
export const SERVICE_MODELS: Record<string, { entity: EntityName<object>; populate: string[]; source: (em: EntityManager, entity: never) => Promise<ObjectSource> }> = {
  SystemUser: { entity: SystemUser, populate: ['account'], source: systemUserSource },
  Crontab: { entity: Crontab, populate: ['account', 'systemUser'], source: crontabSource },
};

export function objectSource(em: EntityManager, model: string, entity: object): Promise<ObjectSource> {
  const service = SERVICE_MODELS[model];
  if (!service) throw new Error(`no object source for model ${model}`);
  return service.source(em, entity as never);
}

/** Models whose changes may imply saves of other objects (see relatedSaves), besides the backends' own models. */
const IMPLYING_MODELS = new Set(['Account', 'SystemUser']);

export function impliesSaves(model: string): boolean {
  return IMPLYING_MODELS.has(model);
}

/**
 * Changes that mean a save of other objects: an account enabled or disabled (or of another type, which routes may
 * match on) re-renders its system users and crontabs; a system user enabled or disabled re-renders its crontab.
 * Returns the entities to save.
 */
export async function relatedSaves(em: EntityManager, model: string, entity: object, fields: string[]): Promise<{ model: string; entity: object }[]> {
  if (model === 'Account' && (fields.includes('isActive') || fields.includes('type'))) {
    const id = (entity as Account).id;
    const users = await em.find(SystemUser, { account: id }, { populate: ['account'], filters: false });
    const crontabs = await em.find(Crontab, { account: id }, { populate: ['account', 'systemUser'], filters: false });
    return [...users.map((u) => ({ model: 'SystemUser', entity: u })), ...crontabs.map((c) => ({ model: 'Crontab', entity: c }))];
  }
  if (model === 'SystemUser' && fields.some((f) => f === 'isActive')) {
    const crontabs = await em.find(Crontab, { systemUser: (entity as SystemUser).id }, { populate: ['account', 'systemUser'], filters: false });
    return crontabs.map((c) => ({ model: 'Crontab', entity: c }));
  }
  return [];
}
