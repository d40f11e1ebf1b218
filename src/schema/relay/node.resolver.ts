import type { EntityName } from '@mikro-orm/core';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import {
  Account, ApiToken, AuditEntry, BillContact, Contact, ContractedPlan, DomainRecord, Miscellaneous, MiscellaneousKind, Operation, Order, Plan, Rate, Route,
  ScriptRun, Server, Service, User, Bill, BillLine, BillEmail, PaymentSource, Transaction, TransactionProcess,
} from '../../entities/index.js';
import { findServiceModule } from '../../services/index.js';
import { NotFoundError } from '../../errors/domain-error.js';
import type { Context } from '../context.js';
import { fromGlobalId } from './global-id.js';
import { Node } from './node.js';

/** Entities fetchable through `node(id)`, by GraphQL type name, besides the service models (src/services/). */
const NODE_TYPES: Record<string, EntityName<object>> = {
  Account, ApiToken, AuditEntry, BillContact, Contact, User, Server, Route, Operation, ScriptRun,
  // A record is not a service model (its domain is: a record's change is a change of its zone).
  DomainRecord,
  // Billing (src/billing/).
  Service, Plan, Rate, ContractedPlan, Order, MiscellaneousKind, Miscellaneous,
  // Bills and payments (src/bills/, src/payments/).
  Bill, BillLine, BillEmail, PaymentSource, Transaction, TransactionProcess,
};

/** A service model's GraphQL type is named after its model. */
const entityOf = (type: string): EntityName<object> | undefined => NODE_TYPES[type] ?? findServiceModule(type)?.entity;

@Resolver()
export class NodeResolver {
  @Query(() => Node, { description: 'Any object by its global id (same scope rules as the typed queries).' })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    const { type, id: key } = fromGlobalId(id);
    const entity = entityOf(type);
    const found = entity && (await ctx.em.findOne(entity, { id: key }));
    if (!found) throw new NotFoundError(entity ? type : 'Object');
    return found;
  }
}
