import { Account } from './accounts/account.js';
import { BillContact } from './accounts/bill-contact.js';
import { Contact } from './accounts/contact.js';
import { AuditEntry } from './audit/audit-entry.js';
import { ApiToken } from './auth/api-token.js';
import { LoginAttempt } from './auth/login-attempt.js';
import { User } from './auth/user.js';
import { Batch } from './orchestration/batch.js';
import { Operation } from './orchestration/operation.js';
import { Route } from './orchestration/route.js';
import { ScriptRun } from './orchestration/script-run.js';
import { Server } from './orchestration/server.js';
import { Crontab } from './services/crontab.js';
import { Database } from './services/database.js';
import { DatabaseUser } from './services/database-user.js';
import { SystemUser } from './services/system-user.js';
import { Domain } from './dns/domain.js';
import { DomainRecord } from './dns/domain-record.js';
import { MonitorData } from './resources/monitor-data.js';
import { MonitorRun } from './resources/monitor-run.js';
import { Resource } from './resources/resource.js';
import { ResourceData } from './resources/resource-data.js';
import { ResourceScheduleChange } from './resources/resource-schedule-change.js';
import { Mailbox } from './mail/mailbox.js';
import { Address } from './mail/address.js';
import { MailingList } from './mail/mailing-list.js';
import { ContractedPlan } from './billing/contracted-plan.js';
import { Miscellaneous } from './billing/miscellaneous.js';
import { MiscellaneousKind } from './billing/miscellaneous-kind.js';
import { Order } from './billing/order.js';
import { OrderMetric } from './billing/order-metric.js';
import { Plan } from './billing/plan.js';
import { Rate } from './billing/rate.js';
import { Service } from './billing/service.js';
import { WebApp } from './web/web-app.js';
import { Website } from './web/website.js';
import { Bill } from './bills/bill.js';
import { BillCounter } from './bills/bill-counter.js';
import { BillLine } from './bills/bill-line.js';
import { BillSubline } from './bills/bill-subline.js';
import { BillEmail } from './bills/bill-email.js';
import { PaymentSource } from './payments/payment-source.js';
import { Transaction } from './payments/transaction.js';
import { TransactionProcess } from './payments/transaction-process.js';

export { Account, BillContact, Contact, AuditEntry, ApiToken, LoginAttempt, User, Batch, Operation, Route, ScriptRun, Server, Crontab, SystemUser, Domain, DomainRecord, Database, DatabaseUser, Resource, ResourceData, MonitorData, MonitorRun, ResourceScheduleChange, Mailbox, Address, MailingList };
export { Service, Order, OrderMetric, Plan, ContractedPlan, Rate, MiscellaneousKind, Miscellaneous };
export { WebApp, Website };
export { Bill, BillCounter, BillLine, BillSubline, BillEmail, PaymentSource, Transaction, TransactionProcess };

/** Every entity the ORM knows; a new domain adds its entities here. */
export const ALL_ENTITIES = [
  Account, Contact, BillContact, User, ApiToken, LoginAttempt, AuditEntry,
  Server, Route, Batch, ScriptRun, Operation,
  SystemUser, Crontab,
  Domain, DomainRecord,
  DatabaseUser, Database,
  Resource, ResourceData, MonitorData, MonitorRun, ResourceScheduleChange,
  Mailbox, Address, MailingList,
  Service, Rate, Plan, ContractedPlan, Order, OrderMetric, MiscellaneousKind, Miscellaneous,
  WebApp, Website, Bill, BillLine, BillSubline, BillCounter, BillEmail, PaymentSource, TransactionProcess, Transaction,
];
