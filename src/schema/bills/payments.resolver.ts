import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { billTotals } from '../../bills/bill-totals.js';
import { billPaymentState, BillPaymentState } from '../../bills/payment-state.js';
import type { Bill } from '../../entities/bills/bill.js';
import type { TransactionState } from '../../entities/payments/payment-enums.js';
import { PaymentSource } from '../../entities/payments/payment-source.js';
import { TransactionProcess } from '../../entities/payments/transaction-process.js';
import { Transaction } from '../../entities/payments/transaction.js';
import { createPaymentSource } from '../../payments/payment-source.use-cases.js';
import { createTransaction, findProcess, markProcess, markTransactions, reissueTransaction } from '../../payments/transaction.use-cases.js';
import { paymentsProcessSchedule } from '../../temporal/schedules/payments-process.schedule.js';
import { scheduleId } from '../../temporal/schedules/schedule-declaration.js';
import { AccountNode } from '../accounts/account.type.js';
import { AdminOnlyField, Role } from '../auth-checker.js';
import { ScheduleTrigger } from '../billing/billing.types.js';
import type { Context } from '../context.js';
import { runMutation } from '../mutation.js';
import { Parent } from '../parent.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { Payload } from '../relay/payload.js';
import { CreatePaymentSourceInput, TransactionFilter } from './bills.inputs.js';
import { BillNode, PaymentSourceConnection, PaymentSourceNode, TransactionConnection, TransactionNode } from './bills.types.js';
import { CreateTransactionInput, TransactionProcessFilter } from './payments.inputs.js';
import { MarkedTransactionsNode, ProcessFileNode, TransactionMark, TransactionProcessConnection, TransactionProcessNode } from './payments.types.js';

const PaymentSourcePayload = Payload('CreatePaymentSource', 'paymentSource', PaymentSourceNode);
const CreateTransactionPayload = Payload('CreateTransaction', 'transaction', TransactionNode);
const ReissueTransactionPayload = Payload('ReissueTransaction', 'transaction', TransactionNode);
const MarkTransactionsPayload = Payload('MarkTransactions', 'result', MarkedTransactionsNode);
const MarkTransactionProcessPayload = Payload('MarkTransactionProcess', 'process', TransactionProcessNode);
const RunPaymentsProcessPayload = Payload('RunPaymentsProcess', 'trigger', ScheduleTrigger);

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

  @FieldResolver(() => PaymentSourceNode, { nullable: true })
  source(@Parent() transaction: Transaction) {
    return transaction.source?.load() ?? null;
  }

  @FieldResolver(() => TransactionNode, { nullable: true, description: 'The rejected transaction this one charges again.' })
  reissueOf(@Parent() transaction: Transaction) {
    return transaction.reissueOf?.load() ?? null;
  }

  @AdminOnlyField(() => TransactionProcessNode, { description: 'The processing that put it in a SEPA file. Admins only (null for account users).' })
  process(@Parent() transaction: Transaction) {
    return transaction.process?.load() ?? null;
  }

  @Query(() => TransactionConnection)
  transactions(@Args() page: PageArgs, @Arg('filter', () => TransactionFilter, { nullable: true }) filter: TransactionFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<Transaction> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId, 'filter.accountId');
    if (filter?.billId) where.bill = idOf('Bill', filter.billId, 'filter.billId');
    if (filter?.state) where.state = filter.state;
    if (filter?.processId) where.process = idOf('TransactionProcess', filter.processId, 'filter.processId');
    return paginate(ctx.em, Transaction, where, { id: 'asc' }, page);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreateTransactionPayload, { description: 'Records a transaction for a closed bill; refused when the bill is already covered.' })
  createTransaction(@Arg('input') input: CreateTransactionInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ transaction: await createTransaction(uc, input) }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ReissueTransactionPayload, { description: 'Charges a rejected transaction again: a new one for its bill; the rejected one is kept.' })
  reissueTransaction(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ transaction: await reissueTransaction(uc, id) }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => MarkTransactionsPayload, { description: 'Marks transactions executed, secured or rejected: all, or none when one may not make the move.' })
  markTransactions(@Arg('ids', () => [ID]) ids: string[], @Arg('state', () => TransactionMark) state: TransactionMark, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ result: { transactions: await markTransactions(uc, ids, state) } }));
  }
}

/** Processes: admins only (they hold many accounts' payments). */
@Resolver(() => TransactionProcessNode)
export class TransactionProcessResolver {
  @FieldResolver(() => ID)
  id(@Parent() process: TransactionProcess): string {
    return toGlobalId('TransactionProcess', process.id);
  }

  @FieldResolver(() => [TransactionNode])
  transactions(@Parent() process: TransactionProcess, @Ctx() ctx: Context) {
    return ctx.em.find(Transaction, { process: process.id }, { orderBy: { id: 'asc' } });
  }

  @FieldResolver(() => ProcessFileNode, { description: 'Its SEPA file (pain.008.001.02 or pain.001.001.03), to send to the bank.' })
  async file(@Parent() process: TransactionProcess, @Ctx() ctx: Context) {
    const rows: { file: string }[] = await ctx.em.execute('select file from transaction_process where id = ?', [process.id]);
    return { fileName: process.fileName, contentType: 'application/xml; charset=utf-8', content: rows[0]?.file ?? '' };
  }

  @Authorized(Role.ADMIN)
  @Query(() => TransactionProcessNode)
  transactionProcess(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findProcess(ctx.em, id);
  }

  @Authorized(Role.ADMIN)
  @Query(() => TransactionProcessConnection)
  transactionProcesses(@Args() page: PageArgs, @Arg('filter', () => TransactionProcessFilter, { nullable: true }) filter: TransactionProcessFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<TransactionProcess> = filter?.state ? { state: filter.state } : {};
    return paginate(ctx.em, TransactionProcess, where, { id: 'asc' }, page);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => MarkTransactionProcessPayload, { description: 'Marks a whole process executed, secured (committed) or rejected (aborted), and its transactions that may make the move.' })
  markTransactionProcess(@Arg('id', () => ID) id: string, @Arg('state', () => TransactionMark) state: TransactionMark, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ process: await markProcess(uc, id, state) }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RunPaymentsProcessPayload, { description: 'Runs the payments.process schedule now: every SEPA transaction waiting processing into its file.' })
  async runPaymentsProcess(@Ctx() ctx: Context) {
    const id = scheduleId(ctx.config.temporalTaskQueue, paymentsProcessSchedule);
    await ctx.temporal.schedule.getHandle(id).trigger();
    return { trigger: { scheduleId: id }, userErrors: [], operations: [], plan: null, dryRun: false };
  }
}

/** A bill's payment state, from its transactions. */
@Resolver(() => BillNode)
export class BillPaymentResolver {
  @FieldResolver(() => BillPaymentState, { description: 'From its transactions: PAID when the secured ones reach the total.' })
  async paymentState(@Parent() bill: Bill, @Ctx() ctx: Context) {
    const { total } = await billTotals(ctx.em, bill.id);
    const transactions: { state: TransactionState; amount: string }[] = await ctx.em.execute(
      'select state, amount::text from payment_transaction where bill_id = ?',
      [bill.id],
    );
    return billPaymentState(bill, total, transactions);
  }
}
