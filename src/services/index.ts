/**
 * The built-in services: the one list a new service model is added to (with its backend in
 * src/orchestration/backends/index.ts and its GraphQL resolvers in src/schema/services/index.ts). Import service
 * lookups from here, so the list is always registered first.
 */
import { crontabModule } from './crontabs/crontab.module.js';
import { domainModule } from './domains/domain.module.js';
import { databaseModule } from './databases/database.module.js';
import { databaseUserModule } from './databases/database-user.module.js';
import { addressModule } from './mail/address.module.js';
import { mailboxModule } from './mail/mailbox.module.js';
import { mailingListModule } from './mail/mailing-list.module.js';
import { registerServiceModule } from './registry.js';
import { systemUserModule } from './system-users/system-user.module.js';
import { webAppModule } from './web/web-app.module.js';
import { websiteModule } from './web/website.module.js';

// In dependency order: a crontab needs its system user, a database its users, an address its mailboxes.
registerServiceModule(systemUserModule);
registerServiceModule(crontabModule);
registerServiceModule(domainModule);
registerServiceModule(databaseUserModule);
registerServiceModule(databaseModule);
registerServiceModule(mailboxModule);
registerServiceModule(addressModule);
registerServiceModule(mailingListModule);
// A website mounts web apps.
registerServiceModule(webAppModule);
registerServiceModule(websiteModule);

export { findServiceModule, mattersToServers, savesImpliedBy, serviceModule, serviceModules } from './registry.js';
export type { ServiceModule, ServiceSource } from './service-module.js';
