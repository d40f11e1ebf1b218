import type { Config } from '../../config/config.js';

/**
 * What configuration says about database names (ORCHESTRA_DATABASE_NAME_PREFIX): with `account`, every database and
 * database user of an account is named `<account>_…` (the account's name with "." and "-" as "_"), so accounts cannot
 * take each other's names and a name tells whose it is.
 */
export interface DatabaseSettings {
  prefixWithAccount: boolean;
}

export function databaseSettings(config: Pick<Config, 'databaseNamePrefix'>): DatabaseSettings {
  return { prefixWithAccount: config.databaseNamePrefix === 'account' };
}
