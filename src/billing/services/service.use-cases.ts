import type { EntityManager } from '@mikro-orm/postgresql';
import { noteTouched } from '../../audit/audit-note.js';
import { AccountType } from '../../entities/accounts/account-type.js';
import { Order } from '../../entities/billing/order.js';
import { Service } from '../../entities/billing/service.js';
import type { BillingPeriod, BillingPoint, IgnorePeriod, OnCancel, PaymentStyle, PricingPeriod } from '../../entities/billing/billing-enums.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { idOf, toGlobalId } from '../../schema/relay/global-id.js';
import type { UseCase } from '../../use-cases/use-case.js';
import { Validator } from '../../validation/validator.js';
import { billedModels } from '../billed-models.js';
import { isDecimalText, UNIT_PRICE_PLACES } from '../money.js';
import type { RateAlgorithm } from '../rating/rate-algorithm.js';
import { compileService } from '../orders/compiled-service.js';
import { billingFieldsOf } from '../expressions/billing-context.js';
import { firstFailureOnExistingObjects } from './check-existing-objects.js';

export interface ServiceFields {
  description: string;
  model: string;
  match: string;
  metric: string;
  isActive: boolean;
  periodicUpdate: boolean;
  billingPeriod: BillingPeriod;
  billingPoint: BillingPoint;
  paymentStyle: PaymentStyle;
  pricingPeriod: PricingPeriod;
  rateAlgorithm: RateAlgorithm;
  nominalPrice: string;
  taxRate: string;
  onCancel: OnCancel;
  ignorePeriod: IgnorePeriod;
  isFee: boolean;
  ignoredAccountTypes: string[];
  orderDescription: string;
}

export type NewService = Pick<ServiceFields, 'description' | 'model' | 'nominalPrice'> & Partial<ServiceFields>;
export type ServiceChanges = { id: string } & Partial<ServiceFields>;

const SERVICE_FIELDS = [
  'description', 'model', 'match', 'metric', 'isActive', 'periodicUpdate', 'billingPeriod', 'billingPoint', 'paymentStyle', 'pricingPeriod',
  'rateAlgorithm', 'nominalPrice', 'taxRate', 'onCancel', 'ignorePeriod', 'isFee', 'ignoredAccountTypes', 'orderDescription',
] as const satisfies readonly (keyof ServiceFields)[];

export async function findService(em: EntityManager, globalId: string, field = 'id'): Promise<Service> {
  const service = await em.findOne(Service, { id: idOf('Service', globalId, field) });
  if (!service) throw new NotFoundError('Service', field);
  return service;
}

/** Every field on its own, then the expressions compiled against the model, then evaluated on its existing objects. */
async function checked(em: EntityManager, fields: ServiceFields, selfId: string | null): Promise<ServiceFields> {
  const v = new Validator();
  const description = v.text('description', fields.description, { required: true, max: 256 });
  const models = billedModels();
  if (!models.includes(fields.model)) v.add('model', `must be one of ${models.join(', ')}`);
  if (!isDecimalText(fields.nominalPrice, UNIT_PRICE_PLACES)) v.add('nominalPrice', `must be a decimal of at most ${UNIT_PRICE_PLACES} places, 0 or more (e.g. "10.50")`);
  if (!isDecimalText(fields.taxRate, 2) || Number(fields.taxRate) > 100) v.add('taxRate', 'must be a percentage from 0 to 100 with at most 2 places');
  const types = Object.values(AccountType) as string[];
  const ignored = [...new Set(fields.ignoredAccountTypes)];
  if (ignored.some((t) => !types.includes(t))) v.add('ignoredAccountTypes', `holds only account types: ${types.join(', ')}`);
  const orderDescription = v.text('orderDescription', fields.orderDescription, { max: 256 });
  if (description && (await em.count(Service, { description, ...(selfId ? { id: { $ne: selfId } } : {}) }, { filters: false }))) {
    v.add('description', 'is taken by another service', UserErrorCode.TAKEN);
  }
  v.check();
  const result = { ...fields, description, orderDescription, ignoredAccountTypes: ignored };
  const compiled = compileService(result, await billingFieldsOf(em, result.model));
  if (!compiled.match.ok) v.add('match', `${compiled.match.error.message} (at ${compiled.match.error.position})`);
  if (!compiled.metric.ok) v.add('metric', `${compiled.metric.error.message} (at ${compiled.metric.error.position})`);
  if (!compiled.description.ok) v.add('orderDescription', `${compiled.description.error.message} (at ${compiled.description.error.position})`);
  v.check();
  const failure = await firstFailureOnExistingObjects(em, result.model, compiled);
  if (failure) throw new UserInputError('input.metric', `fails on ${failure.model} ${toGlobalId(failure.model, failure.objectId)} (${failure.label}): ${failure.message}`);
  return result;
}

/** Adds a billing rule. Its expressions must compile and evaluate on every existing object of its model. */
export async function createService({ em, audit }: UseCase, input: NewService): Promise<Service> {
  const fields = await checked(
    em,
    {
      match: '', metric: '', isActive: true, periodicUpdate: false, ignoredAccountTypes: ['STAFF', 'FRIEND'], orderDescription: '', taxRate: '0',
      billingPeriod: 'ANNUAL' as BillingPeriod, billingPoint: 'ON_FIXED_DATE' as BillingPoint, paymentStyle: 'PREPAY' as PaymentStyle,
      pricingPeriod: 'BILLING_PERIOD' as PricingPeriod, rateAlgorithm: 'STEP_PRICE' as RateAlgorithm, onCancel: 'DISCOUNT' as OnCancel, ignorePeriod: 'TEN_DAYS' as IgnorePeriod, isFee: false,
      ...withoutNulls(input),
    } as ServiceFields,
    null,
  );
  const service = em.create(Service, fields);
  await em.flush();
  noteTouched(audit, null, toGlobalId('Service', service.id));
  return service;
}

/** Changes a billing rule; the model cannot change once it has orders. */
export async function updateService({ em, audit }: UseCase, input: ServiceChanges): Promise<Service> {
  const service = await findService(em, input.id, 'input.id');
  noteTouched(audit, null, input.id);
  const current = Object.fromEntries(SERVICE_FIELDS.map((k) => [k, service[k]])) as unknown as ServiceFields;
  const merged = { ...current, ...withoutNulls(input) } as ServiceFields;
  if (merged.model !== service.model && (await em.count(Order, { service }, { filters: false }))) {
    throw new UserInputError('input.model', 'cannot change: the service has orders (make a new service)', UserErrorCode.NOT_ALLOWED);
  }
  const fields = await checked(em, merged, service.id);
  const changed = SERVICE_FIELDS.filter((k) => JSON.stringify(fields[k]) !== JSON.stringify(service[k]));
  em.assign(service, Object.fromEntries(changed.map((k) => [k, fields[k]])));
  audit.changedFields = [...changed];
  await em.flush();
  return service;
}

/** Removes a billing rule that never had an order; one that has orders is deactivated instead (invoicing reads them). */
export async function deleteService({ em, audit }: UseCase, id: string): Promise<void> {
  const service = await findService(em, id);
  noteTouched(audit, null, id);
  if (await em.count(Order, { service }, { filters: false })) {
    throw new UserInputError('id', 'has orders: deactivate it (isActive: false) instead, invoicing still reads them', UserErrorCode.NOT_ALLOWED);
  }
  em.remove(service);
  await em.flush();
}

function withoutNulls<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== null && v !== undefined && k !== 'id')) as Partial<T>;
}
