import type { EntityManager } from '@mikro-orm/postgresql';
import type { OrderSelection } from './account-inputs.js';
import { billAccount, computeBilling, writeOf, type AccountBilling, type ComputedBilling, type InvoiceOptions, type ReadAhead } from './bill-account.js';
import type { AccountWrite } from './invoice-account.js';
import { AccountWriteFailed, invoiceAccounts } from './invoice-accounts.js';

/** The accounts billed, and the first failure among the others (each of them left as it was). */
export interface AccountsBilling {
  billings: AccountBilling[];
  failure?: { error: unknown };
}

/**
 * Bills several accounts whose inputs were read ahead with ONE statement for all of them (`invoiceAccounts`): each
 * account is computed in TypeScript, then written all or nothing in a subtransaction of its own under its lock and
 * digest check, as `billAccount` writes one. An account whose computation or write fails is left as it was and does not
 * undo the others (the failure is returned, for the run to stop after them); an account whose digest changed is read,
 * computed and written again alone under its lock (`billAccount`, in a transaction of its own outside one).
 * Not for previews (they write nothing: `billAccount`).
 */
export async function billAccounts(
  em: EntityManager, reads: readonly { accountId: string; read: ReadAhead }[], selection: OrderSelection, options: InvoiceOptions,
): Promise<AccountsBilling> {
  const result: AccountsBilling = { billings: [] };
  const computed: { accountId: string; billing: ComputedBilling }[] = [];
  const writes: AccountWrite[] = [];
  for (const { accountId, read } of reads) {
    try {
      const billing = computeBilling(read.inputs, options);
      computed.push({ accountId, billing });
      writes.push(writeOf(accountId, billing, options, read.fingerprint));
    } catch (error) {
      result.failure ??= { error };
    }
  }
  if (writes.length === 0) return result;
  const outcomes = await invoiceAccounts(em, writes);
  for (const [i, { accountId, billing }] of computed.entries()) {
    const outcome = outcomes[i];
    if (outcome instanceof AccountWriteFailed) result.failure ??= { error: outcome };
    else if (outcome) result.billings.push({ accountId, groups: billing.groups, billIds: outcome, skipped: billing.skipped });
    else {
      try {
        result.billings.push(await billAccount(em, accountId, selection, options));
      } catch (error) {
        result.failure ??= { error };
      }
    }
  }
  return result;
}
