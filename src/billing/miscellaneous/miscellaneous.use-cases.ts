import type { EntityManager } from '@mikro-orm/postgresql';
import { noteTouched } from '../../audit/audit-note.js';
import { findAccount } from '../../accounts/find-account.js';
import { Miscellaneous } from '../../entities/billing/miscellaneous.js';
import { MiscellaneousKind } from '../../entities/billing/miscellaneous-kind.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { idOf, toGlobalId } from '../../schema/relay/global-id.js';
import type { UseCase } from '../../use-cases/use-case.js';
import { Validator } from '../../validation/validator.js';
import { identifierRuleOf } from './identifier-rules.js';

const KIND_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export interface KindFields {
  name: string;
  verboseName: string;
  description: string;
  hasIdentifier: boolean;
  hasAmount: boolean;
  isActive: boolean;
}

export async function findKind(em: EntityManager, globalId: string, field = 'id'): Promise<MiscellaneousKind> {
  const kind = await em.findOne(MiscellaneousKind, { id: idOf('MiscellaneousKind', globalId, field) });
  if (!kind) throw new NotFoundError('MiscellaneousKind', field);
  return kind;
}

export async function findMiscellaneous(em: EntityManager, globalId: string, field = 'id'): Promise<Miscellaneous> {
  // Not populating its kind: kinds are admin only, and an account user's scope would hide the item with it.
  const item = await em.findOne(Miscellaneous, { id: idOf('Miscellaneous', globalId, field) }, { populate: ['account'] });
  if (!item) throw new NotFoundError('Miscellaneous', field);
  return item;
}

async function checkedKind(em: EntityManager, fields: KindFields, selfId: string | null): Promise<KindFields> {
  const v = new Validator();
  const name = v.text('name', fields.name, { required: true, max: 64, pattern: KIND_NAME, patternMessage: 'must be lowercase letters, digits, "_" and "-"' });
  const verboseName = v.text('verboseName', fields.verboseName, { max: 128 });
  const description = v.text('description', fields.description, { max: 2000 });
  if (name && (await em.count(MiscellaneousKind, { name, ...(selfId ? { id: { $ne: selfId } } : {}) }, { filters: false }))) v.add('name', 'is taken', UserErrorCode.TAKEN);
  v.check();
  return { ...fields, name, verboseName, description };
}

export async function createMiscellaneousKind({ em, audit }: UseCase, input: Partial<KindFields> & { name: string }): Promise<MiscellaneousKind> {
  const fields = await checkedKind(em, { verboseName: '', description: '', hasIdentifier: false, hasAmount: false, isActive: true, ...clean(input) } as KindFields, null);
  const kind = em.create(MiscellaneousKind, fields);
  await em.flush();
  noteTouched(audit, null, toGlobalId('MiscellaneousKind', kind.id));
  return kind;
}

export async function updateMiscellaneousKind({ em, audit }: UseCase, input: Partial<KindFields> & { id: string }): Promise<MiscellaneousKind> {
  const kind = await findKind(em, input.id, 'input.id');
  noteTouched(audit, null, input.id);
  const fields = await checkedKind(em, { ...kind, ...clean(input) } as KindFields, kind.id);
  em.assign(kind, fields);
  await em.flush();
  return kind;
}

export async function deleteMiscellaneousKind({ em, audit }: UseCase, id: string): Promise<void> {
  const kind = await findKind(em, id);
  noteTouched(audit, null, id);
  if (await em.count(Miscellaneous, { kind }, { filters: false })) throw new UserInputError('id', 'has items: delete them first', UserErrorCode.NOT_ALLOWED);
  em.remove(kind);
  await em.flush();
}

interface ItemFields {
  identifier: string | null;
  description: string;
  amount: number;
  isActive: boolean;
}

async function checkedItem(em: EntityManager, kind: MiscellaneousKind, fields: { identifier?: string | null; description?: string | null; amount?: number | null; isActive?: boolean | null }, selfId: string | null): Promise<ItemFields> {
  const v = new Validator();
  let identifier: string | null = null;
  if (kind.hasIdentifier) {
    identifier = v.text('identifier', fields.identifier, { required: true, max: 256 }).toLowerCase();
    const problem = identifier ? identifierRuleOf(kind.name)(identifier) : null;
    if (problem) v.add('identifier', problem);
    else if (identifier && (await em.count(Miscellaneous, { identifier, ...(selfId ? { id: { $ne: selfId } } : {}) }, { filters: false }))) v.add('identifier', 'is taken', UserErrorCode.TAKEN);
  } else if (fields.identifier) {
    v.add('identifier', `${kind.name} items have no identifier`);
  }
  let amount = 1;
  if (kind.hasAmount) {
    amount = fields.amount ?? 1;
    if (!Number.isInteger(amount) || amount < 0 || amount > 1_000_000_000) v.add('amount', 'must be a whole number from 0 to 1000000000');
  } else if (fields.amount != null && fields.amount !== 1) {
    v.add('amount', `${kind.name} items have no amount`);
  }
  const description = v.text('description', fields.description, { max: 256 });
  v.check();
  return { identifier, description, amount, isActive: fields.isActive ?? true };
}

export async function createMiscellaneous(
  { em, audit }: UseCase,
  input: { accountId: string; kindId: string; identifier?: string | null; description?: string | null; amount?: number | null },
): Promise<Miscellaneous> {
  const account = await findAccount(em, input.accountId, 'input.accountId');
  const kind = await findKind(em, input.kindId, 'input.kindId');
  noteTouched(audit, account);
  if (!kind.isActive) throw new UserInputError('input.kindId', 'is not active', UserErrorCode.NOT_ALLOWED);
  const fields = await checkedItem(em, kind, input, null);
  const item = em.create(Miscellaneous, { account, kind, ...fields });
  await em.flush();
  audit.objectIds.push(toGlobalId('Miscellaneous', item.id));
  return item;
}

export async function updateMiscellaneous(
  { em, audit }: UseCase,
  input: { id: string; identifier?: string | null; description?: string | null; amount?: number | null; isActive?: boolean | null },
): Promise<Miscellaneous> {
  const item = await findMiscellaneous(em, input.id, 'input.id');
  noteTouched(audit, item.account.getEntity(), input.id);
  const fields = await checkedItem(
    em,
    await em.findOneOrFail(MiscellaneousKind, { id: item.kind.id }, { filters: false }),
    {
      identifier: input.identifier ?? item.identifier,
      description: input.description ?? item.description,
      amount: input.amount ?? item.amount,
      isActive: input.isActive ?? item.isActive,
    },
    item.id,
  );
  em.assign(item, fields);
  await em.flush();
  return item;
}

export async function deleteMiscellaneous({ em, audit }: UseCase, id: string): Promise<void> {
  const item = await findMiscellaneous(em, id);
  noteTouched(audit, item.account.getEntity(), id);
  em.remove(item);
  await em.flush();
}

function clean<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== null && v !== undefined && k !== 'id')) as Partial<T>;
}
