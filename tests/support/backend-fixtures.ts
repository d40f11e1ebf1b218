import type { SystemUserSource } from '../../src/orchestration/backends/system-users/system-users.backend.js';

/** A fixed SHA-512-crypt hash, so rendered scripts (and golden files) are stable. */
export const HASH_1 = '$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.';

/** A main bash system user `alice` of an active account, with what a test changes. */
export function user(overrides: Partial<SystemUserSource> = {}): SystemUserSource {
  return {
    username: 'alice',
    passwordHash: HASH_1,
    shell: '/bin/bash',
    groups: [],
    isActive: true,
    isMain: true,
    account: { username: 'alice', isActive: true, type: 'INDIVIDUAL' },
    ...overrides,
  };
}
