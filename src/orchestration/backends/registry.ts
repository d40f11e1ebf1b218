/**
 * The backends Orchestra knows, by name. Routes store a backend name; the collector asks which backends serve a
 * model; route expressions are checked against the fields a backend exposes to them.
 */
import { BackendError, type Backend } from './backend.js';
import { bind9MasterBackend } from './bind9-master/bind9-master.backend.js';
import { bind9SlaveBackend } from './bind9-slave/bind9-slave.backend.js';
import { crontabsBackend } from './crontabs/crontabs.backend.js';
import { dovecotMailboxesBackend } from './dovecot-mailboxes/dovecot-mailboxes.backend.js';
import { dovecotAutoresponsesBackend } from './dovecot-autoresponses/dovecot-autoresponses.backend.js';
import { mailmanListsBackend } from './mailman-lists/mailman-lists.backend.js';
import { postfixAddressesBackend } from './postfix-addresses/postfix-addresses.backend.js';
import { mariadbDatabasesBackend } from './mariadb-databases/mariadb-databases.backend.js';
import { mariadbUsersBackend } from './mariadb-users/mariadb-users.backend.js';
import { postgresqlDatabasesBackend } from './postgresql-databases/postgresql-databases.backend.js';
import { postgresqlUsersBackend } from './postgresql-users/postgresql-users.backend.js';
import { systemUsersBackend } from './system-users/system-users.backend.js';
import { webappsBackend } from './webapps/webapps.backend.js';
import { nginxWebsitesBackend } from './nginx-websites/nginx-websites.backend.js';
import { apacheWebsitesBackend } from './apache-websites/apache-websites.backend.js';
import { acmeCertificatesBackend } from './acme-certificates/acme-certificates.backend.js';

const backends = new Map<string, Backend>();

/** Adds a backend; names are unique. (Tests may register extra ones; production registers the built-ins below.) */
export function registerBackend<S>(backend: Backend<S>): void {
  if (backends.has(backend.name)) throw new BackendError('DUPLICATE_BACKEND', `a backend named ${backend.name} is already registered`);
  // Stored type-erased: callers pass the stored snapshots back through the backend's own parseSnapshot.
  backends.set(backend.name, backend as unknown as Backend);
}

/** For tests that register a backend of their own and must leave the registry as they found it. */
export function unregisterBackend(name: string): void {
  backends.delete(name);
}

// In the order their saves run on a server (groups that only delete run in reverse): a crontab needs its user, a
// database its users, an address its mailboxes.
registerBackend(systemUsersBackend);
registerBackend(crontabsBackend);
registerBackend(bind9MasterBackend);
registerBackend(bind9SlaveBackend);
registerBackend(mariadbUsersBackend);
registerBackend(postgresqlUsersBackend);
registerBackend(mariadbDatabasesBackend);
registerBackend(postgresqlDatabasesBackend);
registerBackend(dovecotMailboxesBackend);
registerBackend(postfixAddressesBackend);
registerBackend(dovecotAutoresponsesBackend);
registerBackend(mailmanListsBackend);
// A website mounts web apps: their directories and PHP pools first.
registerBackend(webappsBackend);
registerBackend(nginxWebsitesBackend);
registerBackend(apacheWebsitesBackend);
// A site's certificate is asked for once its configuration (the challenge's location) is live.
registerBackend(acmeCertificatesBackend);

export function getBackend(name: string): Backend {
  const backend = backends.get(name);
  if (!backend) throw new BackendError('UNKNOWN_BACKEND', `no backend named ${JSON.stringify(name)}`);
  return backend;
}

export function findBackend(name: string): Backend | undefined {
  return backends.get(name);
}

export function listBackends(): Backend[] {
  return [...backends.values()];
}

/** Backends whose main model is `model`. */
export function backendsForModel(model: string): Backend[] {
  return listBackends().filter((b) => b.model === model);
}

/**
 * Field paths a route match expression may use for objects of `model` (the union over its backends; each backend's
 * own list is `backend.matchFields`, which is what a route on that backend should be checked against).
 */
export function fieldsOf(model: string): string[] {
  return [...new Set(backendsForModel(model).flatMap((b) => b.matchFields))].sort();
}
