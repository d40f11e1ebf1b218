import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { noteTouched } from '../audit/audit-note.js';
import { Resource } from '../entities/resources/resource.js';
import { ResourceData } from '../entities/resources/resource-data.js';
import { NotFoundError } from '../errors/domain-error.js';
import { UserErrorCode, UserInputError } from '../errors/user-input-error.js';
import { fromGlobalId, idOf, toGlobalId } from '../schema/relay/global-id.js';
import type { UseCase } from '../use-cases/use-case.js';
import { Validator } from '../validation/validator.js';
import { Aggregation } from './aggregations.js';
import { checkAllocation, checkResourceDefinition, type ResourceDefinition } from './resource.validation.js';
import { noteScheduleChange } from './resource-schedules.js';
import { entityClassOf } from './resource-paths.js';

export async function findResource(em: EntityManager, globalId: string, field = 'id'): Promise<Resource> {
  const resource = await em.findOne(Resource, { id: idOf('Resource', globalId, field) });
  if (!resource) throw new NotFoundError('Resource', field);
  return resource;
}

export type NewResource = Partial<ResourceDefinition> & Pick<ResourceDefinition, 'name' | 'model' | 'aggregation'>;

const DEFAULTS: Omit<ResourceDefinition, 'name' | 'model' | 'aggregation'> = {
  description: '', aggregationDays: 10, unit: '', scale: '1', onDemand: false, defaultAllocation: null, minAllocation: 0,
  maxAllocation: null, monitors: [], crontab: null, limitActions: false, isActive: true,
};

function definitionOf(resource: Resource): ResourceDefinition {
  const { name, model, description, aggregationDays, unit, scale, onDemand, defaultAllocation, minAllocation, maxAllocation, monitors, crontab, limitActions, isActive } = resource;
  return {
    name, model, description, aggregation: resource.aggregation as Aggregation, aggregationDays, unit, scale, onDemand, defaultAllocation,
    minAllocation, maxAllocation, monitors, crontab, limitActions, isActive,
  };
}

const defined = <T extends object>(input: T) => Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;

async function saveUnique(em: EntityManager, resource: Resource): Promise<void> {
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw new UserInputError('input.name', 'is already a resource of this model', UserErrorCode.TAKEN);
    throw err;
  }
  noteScheduleChange(em, resource.id);
  await em.flush();
}

/** Defines a resource; its schedule is created after commit (the schedule outbox). */
export async function createResource({ em, audit }: UseCase, input: NewResource): Promise<Resource> {
  const v = new Validator();
  const definition = checkResourceDefinition(v, em, { ...DEFAULTS, ...defined(input) } as ResourceDefinition);
  if (v.ok && (await em.count(Resource, { name: definition.name, model: definition.model }))) v.add('name', 'is already a resource of this model', UserErrorCode.TAKEN);
  v.check();
  const resource = em.create(Resource, definition);
  await saveUnique(em, resource);
  audit.objectIds.push(toGlobalId('Resource', resource.id));
  return resource;
}

/** Changes a resource (its model cannot change: its data hangs on that model's objects). */
export async function updateResource({ em, audit }: UseCase, input: { id: string } & Partial<Omit<ResourceDefinition, 'model'>>): Promise<Resource> {
  const resource = await findResource(em, input.id, 'input.id');
  noteTouched(audit, null, input.id);
  const { id: _id, ...changes } = input;
  const v = new Validator();
  const definition = checkResourceDefinition(v, em, { ...definitionOf(resource), ...defined(changes) });
  if (v.ok && definition.name !== resource.name && (await em.count(Resource, { name: definition.name, model: resource.model }))) {
    v.add('name', 'is already a resource of this model', UserErrorCode.TAKEN);
  }
  v.check();
  em.assign(resource, definition);
  await saveUnique(em, resource);
  return resource;
}

/** Deletes a resource, its allocations and usage; its schedule goes after commit. Samples stay for other resources. */
export async function deleteResource({ em, audit }: UseCase, id: string): Promise<void> {
  const resource = await findResource(em, id);
  noteTouched(audit, null, id);
  // Objects it limited get their normal configuration back (their saves are planned by the collector).
  const limited = await em.find(ResourceData, { resource, limitExceeded: true }, { filters: false });
  for (const row of limited) row.limitExceeded = false;
  await em.flush();
  await em.nativeDelete(ResourceData, { resource }, { filters: false });
  noteScheduleChange(em, resource.id);
  em.remove(resource);
}

/** Sets (or, with null, resets to the default) an object's allocation of a resource, within its bounds. */
export async function setResourceAllocation({ em, audit }: UseCase, input: { resourceId: string; objectId: string; allocated: number | null }): Promise<ResourceData> {
  const resource = await findResource(em, input.resourceId, 'input.resourceId');
  const { type, id: objectId } = fromGlobalId(input.objectId, 'input.objectId');
  if (type !== resource.model) throw new UserInputError('input.objectId', `must be a ${resource.model}: the resource ${resource.name} hangs on that model`);
  const object = await em.findOne(entityClassOf<{ id: string; account?: { id: string } }>(em, resource.model), { id: objectId });
  if (!object) throw new NotFoundError(resource.model, 'input.objectId');
  const v = new Validator();
  if (input.allocated !== null) checkAllocation(v, 'allocated', input.allocated, resource);
  v.check();
  const accountId = resource.model === 'Account' ? objectId : object.account!.id;
  noteTouched(audit, null, input.objectId);
  let data = await em.findOne(ResourceData, { resource, objectId });
  data ??= em.create(ResourceData, { resource, model: resource.model, objectId, account: accountId });
  data.allocated = input.allocated;
  await em.flush();
  return data;
}
