import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { PaymentSource } from '../../entities/payments/payment-source.js';
import { Transaction } from '../../entities/payments/transaction.js';
import { createPaymentSource } from '../../payments/payment-source.use-cases.js';
import { AccountNode } from '../accounts/account.type.js';
import { Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { runMutation } from '../mutation.js';
import { Parent } from '../parent.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { Payload } from '../relay/payload.js';
import { CreatePaymentSourceInput, TransactionFilter } from './bills.inputs.js';
import { BillNode, PaymentSourceConnection, PaymentSourceNode, TransactionConnection, TransactionNode } from './bills.types.js';

const PaymentSourcePayload = Payload('CreatePaymentSource', 'paymentSource', PaymentSourceNode);

/** Payment sources: account users read their own; only admins write them. */
@Resolver(() => PaymentSourceNode)
export class PaymentSourceResolver {
  @FieldResolver(() => ID)
  id(@Parent() source: PaymentSource): string {
    return toGlobalId('PaymentSource', source.id);
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() source: PaymentSource) {
    return source.account.loadOrFail();
  }

  @Query(() => PaymentSourceConnection)
  paymentSources(@Args() page: PageArgs, @Arg('accountId', () => ID, { nullable: true }) accountId: string | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<PaymentSource> = accountId ? { account: idOf('Account', accountId, 'accountId') } : {};
    return paginate(ctx.em, PaymentSource, where, { id: 'asc' }, page);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => PaymentSourcePayload)
  createPaymentSource(@Arg('input') input: CreatePaymentSourceInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ paymentSource: await createPaymentSource(uc, input) }));
  }
}

/** Transactions: account users read their own (the original listed every account's); only admins change them. */
@Resolver(() => TransactionNode)
export class TransactionResolver {
  @FieldResolver(() => ID)
  id(@Parent() transaction: Transaction): string {
    return toGlobalId('Transaction', transaction.id);
  }

  @FieldResolver(() => BillNode)
  bill(@Parent() transaction: Transaction) {
    return transaction.bill.loadOrFail();
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() transaction: Transaction) {
    return transaction.account.loadOrFail();
  }

  @Query(() => TransactionConnection)
  transactions(@Args() page: PageArgs, @Arg('filter', () => TransactionFilter, { nullable: true }) filter: TransactionFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<Transaction> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId, 'filter.accountId');
    if (filter?.billId) where.bill = idOf('Bill', filter.billId, 'filter.billId');
    if (filter?.state) where.state = filter.state;
    return paginate(ctx.em, Transaction, where, { id: 'asc' }, page);
  }
}
