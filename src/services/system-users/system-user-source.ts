import type { Account } from '../../entities/accounts/account.js';
import type { SystemUser } from '../../entities/services/system-user.js';
import type { SystemUserSource } from '../../orchestration/backends/system-users/system-users.backend.js';

/** The plain object the system-users backend snapshots, from a user, its account and its resource limit state. */
export function systemUserSourceOf(user: SystemUser, account: Account, overLimit: boolean): SystemUserSource {
  return {
    username: user.username,
    passwordHash: user.passwordHash,
    home: user.home || null,
    shell: user.shell,
    groups: user.groups,
    isActive: user.isActive,
    isMain: user.isMain,
    overLimit,
    account: { username: account.username, isActive: account.isActive, type: account.type },
  };
}
