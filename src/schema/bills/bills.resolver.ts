import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, ObjectType, Field, Query, Resolver } from 'type-graphql';
import { formatMoney } from '../../billing/money.js';
import { billTotals } from '../../bills/bill-totals.js';
import { amendBillUseCase, billOrders, closeBillUseCase, sendBillUseCase, undoBillingUseCase } from '../../bills/bill.use-cases.js';
import { startBillEmails } from '../../bills/email/start-bill-emails.js';
import { findBill } from '../../bills/close-bill.js';
import { htmlToPdf } from '../../bills/document/bill-pdf.js';
import { renderBillHtml } from '../../bills/document/render-bill.js';
import { Bill } from '../../entities/bills/bill.js';
import { BillEmail, BillEmailState } from '../../entities/bills/bill-email.js';
import { BillLine } from '../../entities/bills/bill-line.js';
import { BillSubline } from '../../entities/bills/bill-subline.js';
import { Transaction } from '../../entities/payments/transaction.js';
import { AccountNode } from '../accounts/account.type.js';
import { AdminOnlyField, Role } from '../auth-checker.js';
import { Cost, FIELD_COST } from '../cost.js';
import type { Context } from '../context.js';
import { runMutation } from '../mutation.js';
import { Parent } from '../parent.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { Payload } from '../relay/payload.js';
import { AmendBillInput, BillFilter, BillOrdersInput } from './bills.inputs.js';
import { BillConnection, BillDocumentNode, BillEmailNode, BillingRunNode, BillLineNode, BillNode, BillSublineNode, DocumentFormat, TaxTotalNode, TransactionNode } from './bills.types.js';

const BillOrdersPayload = Payload('BillOrders', 'run', BillingRunNode);
const BillPayload = Payload('CloseBill', 'bill', BillNode);
const SendBillPayload = Payload('SendBill', 'email', BillEmailNode);
const AmendBillPayload = Payload('AmendBill', 'bill', BillNode);

@ObjectType('UndoBillingResult')
class UndoBillingResult {
  @Field(() => Int, { description: 'Lines removed (with every line of the same order on the same bill).' }) removedLines!: number;
}
const UndoBillingPayload = Payload('UndoBilling', 'result', UndoBillingResult);

/** The document of a bill: the frozen one once closed, rendered now while open. */
async function billHtml(ctx: Context, bill: Bill): Promise<string> {
  if (!bill.isOpen) {
    const rows: { html: string | null }[] = await ctx.em.execute('select html from bill where id = ?', [bill.id]);
    if (rows[0]?.html) return rows[0].html;
  }
  return renderBillHtml(ctx.em, bill);
}

/**
 * After commit: starts the workflows of the bill's e-mails the mutation queued. Best effort, like a batch's start:
 * the row is committed, and the outbox relay starts whatever this could not (Temporal down).
 */
async function startQueuedEmails(ctx: Context, billId: string): Promise<void> {
  const queued = await ctx.em.fork().find(BillEmail, { bill: billId, state: BillEmailState.QUEUED, startedAt: null }, { fields: ['id'], filters: false });
  await startBillEmails(ctx.em, ctx.temporal, ctx.config.temporalTaskQueue, queued.map((e) => e.id)).catch(() => undefined);
}

/** Bills: account users read their own (and their documents); only admins bill, close and undo. */
@Resolver(() => BillNode)
export class BillResolver {
  @FieldResolver(() => ID)
  id(@Parent() bill: Bill): string {
    return toGlobalId('Bill', bill.id);
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() bill: Bill) {
    return bill.account.loadOrFail();
  }

  @FieldResolver(() => BillNode, { nullable: true, description: 'The closed invoice or fee this amendment corrects.' })
  amendOf(@Parent() bill: Bill) {
    return bill.amendOf?.load() ?? null;
  }

  @FieldResolver(() => [BillLineNode])
  lines(@Parent() bill: Bill, @Ctx() ctx: Context) {
    return ctx.em.find(BillLine, { bill: bill.id }, { orderBy: { id: 'asc' } });
  }

  @FieldResolver(() => [TaxTotalNode], { description: 'Per tax rate, from the lines and sublines.' })
  async totals(@Parent() bill: Bill, @Ctx() ctx: Context) {
    const { byTaxRate } = await billTotals(ctx.em, bill.id);
    return byTaxRate.map((t) => ({ taxRate: t.taxRate.toFixed(2), base: formatMoney(t.base), tax: formatMoney(t.tax), total: formatMoney(t.total) }));
  }

  @FieldResolver(() => String, { description: 'Decimal text, 2 places.' })
  async total(@Parent() bill: Bill, @Ctx() ctx: Context) {
    return formatMoney((await billTotals(ctx.em, bill.id)).total);
  }

  @AdminOnlyField(() => [BillEmailNode], { description: 'Its e-mails, oldest first. Admins only (null for account users).' })
  emails(@Parent() bill: Bill, @Ctx() ctx: Context) {
    return ctx.em.find(BillEmail, { bill: bill.id }, { orderBy: { id: 'asc' } });
  }

  @FieldResolver(() => [TransactionNode])
  transactions(@Parent() bill: Bill, @Ctx() ctx: Context) {
    return ctx.em.find(Transaction, { bill: bill.id }, { orderBy: { id: 'asc' } });
  }

  @Cost(FIELD_COST.documentRender)
  @FieldResolver(() => BillDocumentNode, { description: 'The bill as HTML or PDF (base64).' })
  async document(@Parent() bill: Bill, @Arg('format', () => DocumentFormat, { defaultValue: DocumentFormat.PDF }) format: DocumentFormat, @Ctx() ctx: Context) {
    const html = await billHtml(ctx, bill);
    const name = bill.number ?? `bill-${bill.id}`;
    if (format === DocumentFormat.HTML) return { format, contentType: 'text/html; charset=utf-8', fileName: `${name}.html`, content: html };
    return { format, contentType: 'application/pdf', fileName: `${name}.pdf`, content: (await htmlToPdf(html)).toString('base64') };
  }

  @Query(() => BillNode)
  bill(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findBill(ctx.em, id);
  }

  @Query(() => BillConnection)
  bills(@Args() page: PageArgs, @Arg('filter', () => BillFilter, { nullable: true }) filter: BillFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<Bill> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId, 'filter.accountId');
    if (filter?.type) where.type = filter.type;
    if (filter?.isOpen !== undefined && filter?.isOpen !== null) where.isOpen = filter.isOpen;
    return paginate(ctx.em, Bill, where, { id: 'asc' }, page);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => BillOrdersPayload, { description: 'Bills pending orders now (or previews the bills, writing nothing).' })
  billOrders(@Arg('input') input: BillOrdersInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ run: await billOrders(uc, input) }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => BillPayload, { description: 'Closes an open bill: its gapless number, due date, frozen document and transaction.' })
  async closeBill(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    const payload = await runMutation(ctx, async (uc) => ({ bill: await closeBillUseCase(uc, id) }));
    if (payload.bill && !payload.dryRun) await startQueuedEmails(ctx, payload.bill.id);
    return payload;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AmendBillPayload, { description: 'Amends a closed invoice or fee: a new open amendment bill (close it like any other) whose lines correct the named lines.' })
  amendBill(@Arg('input') input: AmendBillInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ bill: await amendBillUseCase(uc, input) }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SendBillPayload, { description: 'E-mails a closed bill (its PDF) to its account\'s billing contacts again, through the queue.' })
  async sendBill(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    const payload = await runMutation(ctx, async (uc) => ({ email: await sendBillUseCase(uc, id) }));
    if (payload.email && !payload.dryRun) await startBillEmails(ctx.em, ctx.temporal, ctx.config.temporalTaskQueue, [payload.email.id]).catch(() => undefined);
    return payload;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UndoBillingPayload, { description: 'Removes lines of open bills and gives their orders back the billing state they had.' })
  undoBilling(@Arg('lineIds', () => [ID]) lineIds: string[], @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ result: { removedLines: await undoBillingUseCase(uc, lineIds) } }));
  }
}

@Resolver(() => BillLineNode)
export class BillLineResolver {
  @FieldResolver(() => ID)
  id(@Parent() line: BillLine): string {
    return toGlobalId('BillLine', line.id);
  }

  @FieldResolver(() => [BillSublineNode])
  sublines(@Parent() line: BillLine, @Ctx() ctx: Context) {
    return ctx.em.find(BillSubline, { line: line.id }, { orderBy: { id: 'asc' } });
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The line of the amended bill this amendment line corrects.' })
  amendedLineId(@Parent() line: BillLine): string | null {
    return line.amendedLine ? toGlobalId('BillLine', line.amendedLine.id) : null;
  }

  @FieldResolver(() => String, { description: 'The line after its discounts, decimal text.' })
  async net(@Parent() line: BillLine, @Ctx() ctx: Context) {
    const rows: { net: string }[] = await ctx.em.execute('select (l.subtotal + coalesce((select sum(s.total) from bill_subline s where s.line_id = l.id), 0))::text as net from bill_line l where l.id = ?', [line.id]);
    return rows[0]!.net;
  }
}

@Resolver(() => BillEmailNode)
export class BillEmailResolver {
  @FieldResolver(() => ID)
  id(@Parent() email: BillEmail): string {
    return toGlobalId('BillEmail', email.id);
  }
}
