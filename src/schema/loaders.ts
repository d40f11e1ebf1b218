import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BillContact } from '../entities/accounts/bill-contact.js';
import { Contact } from '../entities/accounts/contact.js';
import { findRows } from './relay/read-rows.js';

/**
 * Per-request batch loaders: a page of N accounts asking for their contacts costs one query, not N.
 * They use the request's scoped EntityManager, so they see only what the viewer may see, and read rows
 * (relay/read-rows.ts): what they load is only shown.
 */
export function createLoaders(em: EntityManager) {
  return {
    contactsByAccount: new DataLoader<string, Contact[]>(async (accountIds) => {
      const rows = await findRows(em, Contact, { account: { $in: [...accountIds] } }, { orderBy: { id: 'asc' } });
      // Grouped in one pass: a filter per account was 50 × 100 reads of a reference's id for a page.
      const byAccount = new Map<string, Contact[]>();
      for (const contact of rows) {
        const list = byAccount.get(contact.account.id);
        if (list) list.push(contact);
        else byAccount.set(contact.account.id, [contact]);
      }
      return accountIds.map((id) => byAccount.get(id) ?? []);
    }),
    billContactByAccount: new DataLoader<string, BillContact | null>(async (accountIds) => {
      const rows = await findRows(em, BillContact, { account: { $in: [...accountIds] } });
      return accountIds.map((id) => rows.find((b) => b.account.id === id) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
