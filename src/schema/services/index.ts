// The GraphQL side of the built-in services: the one list a new service adds its resolvers to (its service module is
// in src/services/index.ts; the node(id) query finds its objects through that module).
import { CrontabResolver } from './crontab.resolver.js';
import { DatabaseResolver } from './database.resolver.js';
import { DatabaseUserResolver } from './database-user.resolver.js';
import { DomainRecordResolver } from './domain-record.resolver.js';
import { DomainResolver } from './domain.resolver.js';
import { SystemUserResolver } from './system-user.resolver.js';
import { MailboxResolver } from './mailbox.resolver.js';
import { AddressResolver } from './address.resolver.js';
import { MailingListResolver } from './mailing-list.resolver.js';
import { WebAppResolver } from './web-app.resolver.js';
import { WebsiteResolver } from './website.resolver.js';

export const SERVICE_RESOLVERS = [SystemUserResolver, CrontabResolver, DomainResolver, DomainRecordResolver, DatabaseUserResolver, DatabaseResolver, MailboxResolver, AddressResolver, MailingListResolver, WebAppResolver, WebsiteResolver] as const;
