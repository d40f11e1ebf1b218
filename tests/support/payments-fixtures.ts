import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { SepaCreditor } from '../../src/config/sepa-settings.js';
import { idOf, toGlobalId } from '../../src/schema/relay/global-id.js';
import { schemaPath, type SepaSchema } from '../../src/payments/sepa/validate-sepa-file.js';
import {
  BillOrdersDocument, CloseBillDocument, CreateBillingServiceDocument, CreateMiscellaneousDocument, CreateMiscellaneousKindDocument, CreatePaymentSourceDocument, SetBillContactDocument,
} from '../generated/graphql.js';
import type { ApiHarness } from './api-harness.js';
import { accountWithUser } from './fixtures.js';
import type { GraphQLClient } from './graphql-client.js';

/** A creditor for tests: a valid IBAN, BIC and the German test creditor identifier; a name with an ampersand. */
export const TEST_CREDITOR: SepaCreditor = { name: 'Orchestra + Hosting S.L.', iban: 'ES9121000418450200051332', bic: 'CAIXESBBXXX', creditorId: 'DE98ZZZ09999999999' };

/**
 * The real xmllint against the shipped XSD, run by the test itself (not through the code under test): exit 0 and
 * "- validates" for a valid file.
 */
export async function xmllintValidates(xml: string, schema: SepaSchema): Promise<string> {
  const child = promisify(execFile)('xmllint', ['--noout', '--nonet', '--schema', schemaPath(schema), '-']);
  child.child.stdin!.end(xml);
  const { stderr } = await child;
  return stderr.trim();
}

export interface Payer {
  accountId: string;
  client: GraphQLClient;
  sourceId: string | null;
}

/** An account with a billing contact and a source: a SEPA debit (holder as given) or a bank transfer. */
export async function payer(h: ApiHarness, username: string, source: { holder: string; iban?: string; bic?: string } | 'BANK_TRANSFER'): Promise<Payer> {
  const { account, client } = await accountWithUser(h.admin, username);
  await h.admin.data(SetBillContactDocument, { input: { accountId: account.id, name: `${username} S.L.`, address: 'Carrer Major 1', city: 'Barcelona', zipcode: '08001', country: 'ES' } });
  const created = await h.admin.data(CreatePaymentSourceDocument, {
    input: source === 'BANK_TRANSFER'
      ? { accountId: account.id, method: 'BANK_TRANSFER' }
      : { accountId: account.id, method: 'SEPA_DIRECT_DEBIT', iban: source.iban ?? 'DE89 3704 0044 0532 0130 00', bic: source.bic ?? 'COBADEFFXXX', holder: source.holder },
  });
  if (created.createPaymentSource.userErrors.length) throw new Error(JSON.stringify(created.createPaymentSource.userErrors));
  return { accountId: account.id, client, sourceId: created.createPaymentSource.paymentSource!.id };
}

/**
 * A closed invoice of `items` new items of `kindId` (billed by `hostingService`: 10 + 21 % VAT a year, 12.10) up to
 * `billingPoint`; returns its id.
 */
export async function closedInvoice(h: ApiHarness, who: Payer, kindId: string, billingPoint: string, items = 1): Promise<string> {
  for (let i = 0; i < items; i++) await h.admin.data(CreateMiscellaneousDocument, { input: { accountId: who.accountId, kindId, amount: 1, description: `site ${i}` } });
  const billed = await h.admin.data(BillOrdersDocument, { input: { accountIds: [who.accountId], newOpen: true, billingPoint, fixedPoint: true } });
  const bill = billed.billOrders.run!.bills[0]!;
  const closed = await h.admin.data(CloseBillDocument, { id: bill.id });
  if (closed.closeBill.userErrors.length) throw new Error(JSON.stringify(closed.closeBill.userErrors));
  return bill.id;
}

/**
 * A closed amendment with a negative total (a refund of `amount`, no tax) of a closed invoice that was paid outside
 * Orchestra, both written directly (the original carries no transaction, so only the refund is waiting): what is under
 * test is the amendment's transaction. Its line amends the invoice's line, as a negative line must.
 */
export async function closedRefund(h: ApiHarness, who: Payer, amount: string, day: string): Promise<string> {
  const account = idOf('Account', who.accountId);
  const rows: { id: string }[] = await h.orm.em.fork().execute(
    `with o as (insert into bill (created_at, updated_at, account_id, type, is_open, is_sent, comments, language, closed_on)
                values (now(), now(), ?, 'INVOICE', false, true, '', 'en', ?::date) returning id),
          ol as (insert into bill_line (created_at, updated_at, bill_id, account_id, description, rate, quantity, verbose_quantity, subtotal, tax_rate, start_on, givers)
                 select now(), now(), o.id, ?, 'Hosting', ?, 1, '1', ?, 0, ?::date, '[]' from o returning id),
          b as (insert into bill (created_at, updated_at, account_id, type, is_open, is_sent, comments, language, amend_of_id)
                select now(), now(), ?, 'AMENDMENT_INVOICE', true, false, '', 'en', o.id from o returning id),
          l as (insert into bill_line (created_at, updated_at, bill_id, account_id, description, rate, quantity, verbose_quantity, subtotal, tax_rate, start_on, givers, amended_line_id)
                select now(), now(), b.id, ?, 'Refund', ?, 1, '1', ?, 0, ?::date, '[]', ol.id from b, ol)
     select id::text from b`,
    [account, day, account, amount, amount, day, account, account, `-${amount}`, `-${amount}`, day],
  );
  const id = toGlobalId('Bill', rows[0]!.id);
  const closed = await h.admin.data(CloseBillDocument, { id });
  if (closed.closeBill.userErrors.length) throw new Error(JSON.stringify(closed.closeBill.userErrors));
  return id;
}

/** The service closedInvoice's items are billed by: annual, 10 plus 21 % VAT. Returns the kind's id. */
export async function hostingService(h: ApiHarness, kind: string): Promise<string> {
  const kindId = (await h.admin.data(CreateMiscellaneousKindDocument, { input: { name: kind, hasAmount: true } })).createMiscellaneousKind.kind!.id;
  const created = await h.admin.data(CreateBillingServiceDocument, {
    input: { description: 'Hosting', model: 'Miscellaneous', match: `miscellaneous.kind.name == "${kind}"`, nominalPrice: '10', taxRate: '21', billingPeriod: 'ANNUAL', ignoredAccountTypes: [] },
  });
  if (created.createService.userErrors.length) throw new Error(JSON.stringify(created.createService.userErrors));
  return kindId;
}
