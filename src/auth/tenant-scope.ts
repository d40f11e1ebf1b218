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
  scopes.set(em, viewer);
  if (viewer.kind === 'user' && viewer.isAdmin) return;
  const byProperty = { id: [] as EntityMetadata['class'][], account: [] as EntityMetadata['class'][], hidden: [] as EntityMetadata['class'][] };
  for (const meta of em.getMetadata()) {
    if (meta.abstract || meta.embeddable) continue;
    const condition = tenantCondition(viewer, meta)!;
    if (condition.value === null) byProperty.hidden.push(meta.class);
    else byProperty[condition.property].push(meta.class);
  }
  const accountId = viewer.kind === 'user' ? viewer.accountId : '0';
  if (byProperty.id.length) em.addFilter({ name: 'tenant:account', entity: byProperty.id, cond: { id: accountId }, default: true });
  if (byProperty.account.length) em.addFilter({ name: 'tenant:owned', entity: byProperty.account, cond: { account: accountId }, default: true });
  if (byProperty.hidden.length) em.addFilter({ name: 'tenant:hidden', entity: byProperty.hidden, cond: { id: null }, default: true });
}

/**
 * The condition a viewer's rows of an entity meet (`property = value`; `id = null`: none), or null for no condition
 * (admins). The filters above are built from it, and the list pages' plain SQL (src/schema/relay/row-sql.ts) writes
 * it into its where: one rule for both.
 */
export function tenantCondition(viewer: Viewer, meta: EntityMetadata): { property: 'id' | 'account'; value: string | null } | null {
  if (viewer.kind === 'user' && viewer.isAdmin) return null;
  const accountId = viewer.kind === 'user' ? viewer.accountId : '0';
  if (meta.class === Account) return { property: 'id', value: accountId };
  if (isAccountOwned(meta)) return { property: 'account', value: accountId };
  return { property: 'id', value: null };
}

/** The viewer an EntityManager was scoped for by applyTenantScope (not its forks: they are not known here). */
export function scopeOf(em: EntityManager): Viewer | undefined {
  return scopes.get(em);
}

const scopes = new WeakMap<EntityManager, Viewer>();

export function isAccountOwned(meta: EntityMetadata): boolean {
  const prop = meta.properties.account;
  return !!prop && prop.targetMeta?.class === Account;
}
