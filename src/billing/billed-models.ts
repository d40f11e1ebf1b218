import type { EntityManager } from '@mikro-orm/postgresql';
import type { Reference } from '@mikro-orm/core';
import type { Account } from '../entities/accounts/account.js';
import { serviceModules } from '../services/index.js';

/** Billed models that are not service models: the account itself, plan contracts, miscellaneous items. */
const OTHER_BILLED_MODELS = ['Account', 'ContractedPlan', 'Miscellaneous'] as const;

/** Every model a billing service may bill: each service model (later issues add theirs by registering it) and the others. */
export function billedModels(): string[] {
  return [...serviceModules().map((m) => m.model), ...OTHER_BILLED_MODELS];
}

export function isBilledModel(model: string): boolean {
  return billedModels().includes(model);
}

/** A billed object: an entity with an id and, unless it is the Account itself, an `account` relation. */
export interface BilledEntity {
  id: string;
  account?: { id: string } & Reference<Account>;
}

/** The id of the account an object is billed to. */
export function accountIdOf(model: string, entity: BilledEntity): string {
  if (model === 'Account') return entity.id;
  if (!entity.account) throw new Error(`${model} ${entity.id} has no account`);
  return entity.account.id;
}

/** The entity class of a billed model, from the ORM's metadata. */
export function entityClassOf(em: EntityManager, model: string) {
  return em.getMetadata().getByClassName(model).class;
}
