import { Account } from './accounts/account.js';
import { BillContact } from './accounts/bill-contact.js';
import { Contact } from './accounts/contact.js';
import { AuditEntry } from './audit/audit-entry.js';
import { ApiToken } from './auth/api-token.js';
import { User } from './auth/user.js';

export { Account, BillContact, Contact, AuditEntry, ApiToken, User };

/** Every entity the ORM knows; a new domain adds its entities here. */
export const ALL_ENTITIES = [Account, Contact, BillContact, User, ApiToken, AuditEntry];
