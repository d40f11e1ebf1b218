import { SystemUser, SystemUserShell } from '../../entities/services/system-user.js';
import { toGlobalId } from '../../schema/relay/global-id.js';
import { createSystemUser, deleteSystemUser, setSystemUserActive, updateSystemUser } from '../../services/system-users/system-user.use-cases.js';
import { passwordMatches } from '../password-matches.js';
import type { SetupSection } from '../setup-section.js';

export interface SystemUserItem {
  username: string;
  shell?: keyof typeof SystemUserShell;
  home?: string;
  groups?: string[];
  password?: string;
  isActive?: boolean;
}

/**
 * System users; the main one (the account's name) may be listed to set its shell, groups or password. A field left
 * out of an item leaves the object's value as it is (a new object gets the service's default).
 */
export const systemUsersSection: SetupSection<SystemUserItem, SystemUser> = {
  kind: 'systemUsers',
  description: 'UNIX users on the servers the system-users routes select. Unlisted ones are deleted (never the main one).',
  itemSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['username'],
    properties: {
      username: { type: 'string', minLength: 1, maxLength: 32 },
      shell: { enum: Object.keys(SystemUserShell), description: 'NOLOGIN when created without one.' },
      home: { type: 'string', maxLength: 200, description: 'Empty or absent: /home/<username>.' },
      groups: { type: 'array', items: { type: 'string' }, uniqueItems: true },
      password: { type: 'string', description: 'Kept only as its SHA-512-crypt hash; the same password again is no change.' },
      isActive: { type: 'boolean' },
    },
  },
  keyOf: (item) => item.username,
  async current({ uc, account }) {
    const users = await uc.em.find(SystemUser, { account }, { orderBy: { id: 'asc' } });
    return new Map(users.map((u) => [u.username, u]));
  },
  async create({ uc, account }, item) {
    const user = await createSystemUser(uc, {
      accountId: toGlobalId('Account', account.id),
      username: item.username,
      shell: SystemUserShell[item.shell ?? 'NOLOGIN'],
      home: item.home ?? null,
      groups: item.groups ?? [],
      password: item.password ?? null,
    });
    if (item.isActive === false) await setSystemUserActive(uc, toGlobalId('SystemUser', user.id), false);
  },
  async update({ uc }, item, user) {
    const id = toGlobalId('SystemUser', user.id);
    const password = item.password !== undefined && !passwordMatches(item.password, user.passwordHash) ? item.password : null;
    const shell = item.shell === undefined ? null : SystemUserShell[item.shell];
    await updateSystemUser(uc, { id, shell, home: item.home ?? null, groups: item.groups ?? null, password });
    if (item.isActive !== undefined && item.isActive !== user.isActive) await setSystemUserActive(uc, id, item.isActive);
  },
  async remove({ uc }, user) {
    await deleteSystemUser(uc, toGlobalId('SystemUser', user.id));
  },
  keeps: (user) => user.isMain,
};
