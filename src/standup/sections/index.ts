/**
 * The kinds of service an account's set-up description may list: the one list a new kind is added to (one file per
 * kind beside this one). In dependency order: a crontab needs its system user, a database its users; addresses, when
 * added, come after domains and mailboxes, websites after the system users and domains they use. Import set-up
 * lookups from here, so the list is always registered first.
 */
import { registerSetupSection } from '../setup-registry.js';
import { crontabsSection } from './crontabs.section.js';
import { databasesSection } from './databases.section.js';
import { databaseUsersSection } from './database-users.section.js';
import { domainsSection } from './domains.section.js';
import { mailboxesSection } from './mailboxes.section.js';
import { systemUsersSection } from './system-users.section.js';

registerSetupSection(systemUsersSection);
registerSetupSection(crontabsSection);
registerSetupSection(databaseUsersSection);
registerSetupSection(databasesSection);
registerSetupSection(domainsSection);
registerSetupSection(mailboxesSection);

export { setupSectionList } from '../setup-registry.js';
