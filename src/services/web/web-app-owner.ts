import type { EntityManager } from '@mikro-orm/postgresql';
import { SystemUser } from '../../entities/services/system-user.js';

/** The account's main system user, who owns and runs its web apps: its name and home. */
export async function webAppOwner(em: EntityManager, accountId: string): Promise<{ username: string; home: string } | null> {
  const user = await em.findOne(SystemUser, { account: accountId, isMain: true }, { filters: false });
  if (!user) return null;
  return { username: user.username, home: user.home || `/home/${user.username}` };
}
