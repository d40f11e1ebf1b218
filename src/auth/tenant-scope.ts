import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityMetadata } from '@mikro-orm/core';
import { Account } from '../entities/accounts/account.js';
import type { Viewer } from './viewer.js';

/**
 * The one place that decides what a caller may see: every request's EntityManager gets these filters, so every
 * resolver, loader and relation load is scoped without code of its own.
 *  - admins: no filter;
 *  - account users: Account rows of their own account; rows of every entity with an `account` relation whose
 *    account is theirs; nothing at all of any other entity (secure by default: a new admin-only table needs no code);
 *  - anonymous: nothing.
 */
export function applyTenantScope(em: EntityManager, viewer: Viewer): void {
  if (viewer.kind === 'user' && viewer.isAdmin) return;
  const accountId = viewer.kind === 'user' ? viewer.accountId : '0';
  const owned: EntityMetadata['class'][] = [];
  const hidden: EntityMetadata['class'][] = [];
  for (const meta of em.getMetadata()) {
    if (meta.abstract || meta.embeddable) continue;
    if (meta.class === Account) continue;
    if (isAccountOwned(meta)) owned.push(meta.class);
    else hidden.push(meta.class);
  }
  em.addFilter({ name: 'tenant:account', entity: [Account], cond: { id: accountId }, default: true });
  if (owned.length) em.addFilter({ name: 'tenant:owned', entity: owned, cond: { account: accountId }, default: true });
  if (hidden.length) em.addFilter({ name: 'tenant:hidden', entity: hidden, cond: { id: null }, default: true });
}

export function isAccountOwned(meta: EntityMetadata): boolean {
  const prop = meta.properties.account;
  return !!prop && prop.targetMeta?.class === Account;
}
