import type { EntityManager } from '@mikro-orm/postgresql';
import { noteTouched } from '../../audit/audit-note.js';
import { ContractedPlan } from '../../entities/billing/contracted-plan.js';
import { Plan } from '../../entities/billing/plan.js';
import { Rate } from '../../entities/billing/rate.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { findAccount } from '../../accounts/find-account.js';
import { idOf, toGlobalId } from '../../schema/relay/global-id.js';
import type { UseCase } from '../../use-cases/use-case.js';
import { Validator } from '../../validation/validator.js';
import { isDecimalText, UNIT_PRICE_PLACES } from '../money.js';
import { findService } from '../services/service.use-cases.js';

const PLAN_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export async function findPlan(em: EntityManager, globalId: string, field = 'id'): Promise<Plan> {
  const plan = await em.findOne(Plan, { id: idOf('Plan', globalId, field) });
  if (!plan) throw new NotFoundError('Plan', field);
  return plan;
}

export interface PlanFields {
  name: string;
  verboseName: string;
  isActive: boolean;
  isDefault: boolean;
  isCombinable: boolean;
  allowMultiple: boolean;
}

async function checkedPlan(em: EntityManager, fields: PlanFields, selfId: string | null): Promise<PlanFields> {
  const v = new Validator();
  const name = v.text('name', fields.name, { required: true, max: 64, pattern: PLAN_NAME, patternMessage: 'must be lowercase letters, digits, "_" and "-"' });
  const verboseName = v.text('verboseName', fields.verboseName, { max: 128 });
  if (name && (await em.count(Plan, { name, ...(selfId ? { id: { $ne: selfId } } : {}) }, { filters: false }))) v.add('name', 'is taken', UserErrorCode.TAKEN);
  v.check();
  return { ...fields, name, verboseName };
}

export async function createPlan({ em, audit }: UseCase, input: Partial<PlanFields> & { name: string }): Promise<Plan> {
  const fields = await checkedPlan(em, { verboseName: '', isActive: true, isDefault: false, isCombinable: true, allowMultiple: false, ...clean(input) } as PlanFields, null);
  const plan = em.create(Plan, fields);
  await em.flush();
  noteTouched(audit, null, toGlobalId('Plan', plan.id));
  return plan;
}

export async function updatePlan({ em, audit }: UseCase, input: Partial<PlanFields> & { id: string }): Promise<Plan> {
  const plan = await findPlan(em, input.id, 'input.id');
  noteTouched(audit, null, input.id);
  const fields = await checkedPlan(em, { ...plan, ...clean(input) } as PlanFields, plan.id);
  if (!fields.allowMultiple && plan.allowMultiple) {
    const twice: { n: string }[] = await em.execute('select count(*)::text as n from (select 1 from contracted_plan where plan_id = ? group by account_id having count(*) > 1) x', [plan.id]);
    if (Number(twice[0]!.n) > 0) throw new UserInputError('input.allowMultiple', 'accounts hold this plan more than once: cancel those contracts first', UserErrorCode.NOT_ALLOWED);
  }
  em.assign(plan, { name: fields.name, verboseName: fields.verboseName, isActive: fields.isActive, isDefault: fields.isDefault, isCombinable: fields.isCombinable, allowMultiple: fields.allowMultiple });
  await em.flush();
  return plan;
}

export async function deletePlan({ em, audit }: UseCase, id: string): Promise<void> {
  const plan = await findPlan(em, id);
  noteTouched(audit, null, id);
  if (await em.count(ContractedPlan, { plan }, { filters: false })) throw new UserInputError('id', 'is contracted: cancel its contracts first', UserErrorCode.NOT_ALLOWED);
  await em.nativeDelete(Rate, { plan }, { filters: false });
  em.remove(plan);
  await em.flush();
}

/** An account contracts a plan; twice only if the plan allows multiple contracts. */
export async function contractPlan({ em, audit }: UseCase, input: { accountId: string; planId: string }): Promise<ContractedPlan> {
  const account = await findAccount(em, input.accountId, 'input.accountId');
  const plan = await findPlan(em, input.planId, 'input.planId');
  noteTouched(audit, account);
  if (!plan.isActive) throw new UserInputError('input.planId', 'is not active', UserErrorCode.NOT_ALLOWED);
  // Serialises contracts of one account, so two concurrent requests cannot both pass the check below.
  await em.execute('select id from account where id = ? for update', [account.id]);
  if (!plan.allowMultiple && (await em.count(ContractedPlan, { account, plan }, { filters: false }))) {
    throw new UserInputError('input.planId', 'is already contracted by this account (the plan does not allow multiple contracts)', UserErrorCode.TAKEN);
  }
  const contract = em.create(ContractedPlan, { account, plan });
  await em.flush();
  audit.objectIds.push(toGlobalId('ContractedPlan', contract.id));
  return contract;
}

export async function cancelContract({ em, audit }: UseCase, id: string): Promise<void> {
  const contract = await em.findOne(ContractedPlan, { id: idOf('ContractedPlan', id, 'id') }, { populate: ['account'] });
  if (!contract) throw new NotFoundError('ContractedPlan', 'id');
  noteTouched(audit, contract.account.getEntity(), id);
  em.remove(contract);
  await em.flush();
}

/** Sets the price of a service from unit `quantity` on under a plan (one rate per service, plan and quantity). */
export async function setRate({ em, audit }: UseCase, input: { serviceId: string; planId: string; quantity: number; price: string }): Promise<Rate> {
  const service = await findService(em, input.serviceId, 'input.serviceId');
  const plan = await findPlan(em, input.planId, 'input.planId');
  const v = new Validator();
  if (!Number.isInteger(input.quantity) || input.quantity < 0 || input.quantity > 1_000_000_000) v.add('quantity', 'must be a whole number from 0 to 1000000000');
  if (!isDecimalText(input.price, UNIT_PRICE_PLACES)) v.add('price', `must be a decimal of at most ${UNIT_PRICE_PLACES} places, 0 or more`);
  v.check();
  const rate = (await em.findOne(Rate, { service, plan, quantity: input.quantity })) ?? em.create(Rate, { service, plan, quantity: input.quantity, price: input.price });
  rate.price = input.price;
  await em.flush();
  noteTouched(audit, null, toGlobalId('Rate', rate.id));
  return rate;
}

export async function deleteRate({ em, audit }: UseCase, id: string): Promise<void> {
  const rate = await em.findOne(Rate, { id: idOf('Rate', id, 'id') });
  if (!rate) throw new NotFoundError('Rate', 'id');
  noteTouched(audit, null, id);
  em.remove(rate);
  await em.flush();
}

function clean<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== null && v !== undefined && k !== 'id')) as Partial<T>;
}
