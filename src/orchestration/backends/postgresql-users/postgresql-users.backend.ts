/**
 * PostgreSQL database users: a role per DatabaseUser of type postgresql, through the server's own psql as the
 * postgres superuser.
 *
 * Decisions:
 * - The password reaches the server only as the SCRAM-SHA-256 verifier Orchestra computed
 *   (src/crypto/scram-sha-256.ts): `ALTER ROLE … PASSWORD '<verifier>'` stores it as is. psql runs quietly (-q) and
 *   echoes no statement, so the output never holds it either.
 * - A role is LOGIN with nothing else (NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS), set on every
 *   save, so a change made by hand is put back. Disabled (its account is): NOLOGIN, and its open sessions are ended.
 *   Enabled again: LOGIN with the same verifier.
 * - A privileged role (superuser, replication, bypassrls) of that name is never touched: the statements stop with
 *   an error first (the API also refuses the names the server keeps for itself: ../databases/database-names.ts).
 * - delete: in every database that holds its objects or privileges (pg_shdepend), its objects go to that database's
 *   owner and its privileges are revoked (REASSIGN OWNED, DROP OWNED), then DROP ROLE. A role that still owns a
 *   database is refused (the API refuses deleting a user that owns a database; the database goes first).
 * - Statements of the whole group go to psql in one session (../databases/psql.sh).
 */
import { defineBackend, type TypedOperation } from '../backend.js';
import { ShellCode, joinShell, sh } from '../../shell/quote.js';
import { bashFragment } from '../../shell/fragment.js';
import { SCRAM_VERIFIER } from '../../../crypto/scram-sha-256.js';
import { pgDollarQuote, pgIdent, pgLiteral, psqlMetaArg } from '../../sql/postgresql-quote.js';
import type { DatabaseUserSnapshot } from '../databases/database-snapshots.js';
import { databaseUserBackendBase } from '../databases/database-user-backend.js';

const PSQL = bashFragment(new URL('../databases/psql.sh', import.meta.url));
const DROP_ROLE = bashFragment(new URL('./drop-role.sh', import.meta.url));

/** Stops the session when the role exists with privileges Orchestra never gives (a superuser of that name). */
export function refusePrivilegedRole(role: string): string {
  const body = `BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = ${pgLiteral(role)} AND (rolsuper OR rolreplication OR rolbypassrls)) THEN `
    + `RAISE EXCEPTION 'role % is privileged: Orchestra does not manage it', ${pgLiteral(role)}; END IF; END`;
  return `DO ${pgDollarQuote(body)};`;
}

/** The statements that make the role what the snapshot says. */
export function saveRoleSql(s: DatabaseUserSnapshot): string {
  const role = pgIdent(s.username);
  const name = pgLiteral(s.username);
  const lines = [
    `\\echo ${psqlMetaArg(`role ${s.username}: saved${s.isActive ? '' : ', disabled (NOLOGIN)'}`)}`,
    refusePrivilegedRole(s.username),
    `SELECT ${pgLiteral(`CREATE ROLE ${role}`)} WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${name})`,
    '\\gexec',
    `ALTER ROLE ${role} WITH ${s.isActive ? 'LOGIN' : 'NOLOGIN'} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD ${pgLiteral(s.passwordHash)};`,
  ];
  if (!s.isActive) lines.push(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ${name}`, '\\g /dev/null');
  return lines.join('\n');
}

/** The four statement lists pg_drop_role takes. */
export function dropRoleSql(username: string): { check: string; list: string; inEach: string; drop: string } {
  const role = pgIdent(username);
  const name = pgLiteral(username);
  const ownsDatabase = `BEGIN IF EXISTS (SELECT FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = ${name}) THEN `
    + `RAISE EXCEPTION 'role % owns a database: the database must be deleted or given another owner first', ${name}; END IF; END`;
  return {
    check: [`\\echo ${psqlMetaArg(`role ${username}: deleting`)}`, refusePrivilegedRole(username), `DO ${pgDollarQuote(ownsDatabase)};`].join('\n'),
    list: `SELECT DISTINCT d.datname FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid JOIN pg_roles r ON r.oid = s.refobjid `
      + `WHERE s.refclassid = 'pg_authid'::regclass AND r.rolname = ${name} AND d.datallowconn ORDER BY 1;`,
    inEach: [
      `SELECT format('REASSIGN OWNED BY %I TO %I', r.rolname, pg_get_userbyid(d.datdba)) FROM pg_roles r, pg_database d `
        + `WHERE r.rolname = ${name} AND d.datname = current_database()`,
      '\\gexec',
      `SELECT ${pgLiteral(`DROP OWNED BY ${role}`)} WHERE EXISTS (SELECT FROM pg_roles WHERE rolname = ${name})`,
      '\\gexec',
    ].join('\n'),
    drop: [
      `SELECT ${pgLiteral(`DROP ROLE ${role}`)} WHERE EXISTS (SELECT FROM pg_roles WHERE rolname = ${name})`,
      '\\gexec',
      `\\echo ${psqlMetaArg(`role ${username}: deleted`)}`,
    ].join('\n'),
  };
}

export const postgresqlUsersBackend = defineBackend<DatabaseUserSnapshot>({
  name: 'postgresql-users',
  description: 'PostgreSQL roles of database users (psql as postgres): SCRAM-SHA-256 verifier, NOLOGIN when disabled.',
  ...databaseUserBackendBase('postgresql-users', 'postgresql', (hash) => (SCRAM_VERIFIER.test(hash) ? null : 'must be a SCRAM-SHA-256 verifier')),
  prepare(operations) {
    return joinShell([PSQL, operations.some((op) => op.action === 'delete') ? DROP_ROLE : ShellCode.empty], '\n\n');
  },
  section(op: TypedOperation<DatabaseUserSnapshot>) {
    if (op.action === 'delete') {
      const { check, list, inEach, drop } = dropRoleSql(op.snapshot.username);
      return sh`pg_drop_role ${check} ${list} ${inEach} ${drop}`;
    }
    return sh`psql_queue ${saveRoleSql(op.snapshot)}`;
  },
  commit: () => ShellCode.trusted('psql_run'),
});
