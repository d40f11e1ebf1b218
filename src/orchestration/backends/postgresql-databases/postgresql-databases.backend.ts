/**
 * PostgreSQL databases: a database per Database of type postgresql, owned by its first user, through the server's own
 * psql as the postgres superuser.
 *
 * Decisions (the grants are the API's documented contract: docs/architecture.md §6):
 * - The owner owns the database (and, in PostgreSQL 15, its public schema through pg_database_owner): everything.
 * - The other users are read-write: CONNECT and TEMPORARY on the database; USAGE on schema public; SELECT, INSERT,
 *   UPDATE, DELETE on its tables and USAGE, SELECT, UPDATE on its sequences — those there now, and (default
 *   privileges) those the owner creates later. No CREATE: they change data, not the schema.
 * - Nobody else: CONNECT and TEMPORARY are revoked from PUBLIC (PostgreSQL grants them to everyone by default), so
 *   another account's users cannot even connect.
 * - A save converges: objects in the database owned by a role no longer listed (an earlier owner) go to the owner,
 *   one ALTER … OWNER each (REASSIGN OWNED would also hand over that role's OTHER databases); privileges of roles no
 *   longer listed are revoked, in the database and on it. Names the server lists (its objects, its roles) are
 *   quoted by the server's own format('%I'); every name from Orchestra by ../../sql/postgresql-quote.ts.
 * - delete: DROP DATABASE … WITH (FORCE), which ends its open sessions. The users stay (they are objects of their
 *   own); a template or the server's own databases are never touched (the API refuses their names).
 * - Statements of the whole group go to psql in one session (../databases/psql.sh), \connect-ing into each database
 *   for what must be done inside it: a server sync of a thousand databases is one psql process.
 */
import { defineBackend, type TypedOperation } from '../backend.js';
import { ShellCode, sh } from '../../shell/quote.js';
import { bashFragment } from '../../shell/fragment.js';
import { pgIdent, pgLiteral, pgTextArray, psqlMetaArg } from '../../sql/postgresql-quote.js';
import { DATABASE_MATCH_FIELDS, isOfEngine, validateDatabaseSnapshot, type DatabaseSnapshot } from '../databases/database-snapshots.js';

const PSQL = bashFragment(new URL('../databases/psql.sh', import.meta.url));

const snapshotOf = (raw: unknown, fromSource: boolean) => validateDatabaseSnapshot(raw, fromSource, 'postgresql-databases', 'postgresql');

/** Roles a save leaves alone whatever they are: superusers and PostgreSQL's predefined roles. */
const UNMANAGED_ROLE = `(r.rolsuper OR r.rolname LIKE 'pg\\_%')`;

/** Objects of the current database owned by a role not in `listed` (quoted by the server), with their kind. */
function strayObjectsSql(owner: string, listed: string): string {
  return [
    `SELECT format('ALTER %s %s OWNER TO %I', o.kind, o.object, ${pgLiteral(owner)}) FROM (`,
    `  SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind,`,
    `    c.oid::regclass::text AS object, c.relowner AS owner`,
    `  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace`,
    `  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`,
    // A sequence that belongs to a column (serial, identity) follows its table.
    `    AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))`,
    `  UNION ALL`,
    `  SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END, p.oid::regprocedure::text, p.proowner`,
    `  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')`,
    `  UNION ALL`,
    `  SELECT 'SCHEMA', quote_ident(n.nspname), n.nspowner FROM pg_namespace n`,
    `  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND n.nspname NOT LIKE 'pg\\_%'`,
    `) o JOIN pg_roles r ON r.oid = o.owner WHERE NOT ${UNMANAGED_ROLE} AND r.rolname <> ALL (${listed})`,
  ].join('\n');
}

/** Everything a save sends: in the postgres database, then inside the database, then back. */
export function saveDatabaseSql(s: DatabaseSnapshot): string {
  const db = pgIdent(s.name);
  const name = pgLiteral(s.name);
  const owner = pgIdent(s.owner);
  const others = s.others.map(pgIdent).join(', ');
  const listed = pgTextArray([s.owner, ...s.others]);
  const lines = [
    `\\echo ${psqlMetaArg(`database ${s.name}: saved, owner ${s.owner}${s.others.length ? `, read-write ${s.others.join(' ')}` : ''}`)}`,
    `SELECT ${pgLiteral(`CREATE DATABASE ${db} OWNER ${owner}`)} WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = ${name})`,
    '\\gexec',
    `SELECT ${pgLiteral(`ALTER DATABASE ${db} OWNER TO ${owner}`)} FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba`,
    `WHERE d.datname = ${name} AND r.rolname <> ${pgLiteral(s.owner)}`,
    '\\gexec',
    `\\connect ${psqlMetaArg(s.name)}`,
    strayObjectsSql(s.owner, listed),
    '\\gexec',
    // Privileges inside the database of roles no longer listed (pg_shdepend records every ACL entry of a role).
    `SELECT format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %1$I; REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %1$I; `
      + `REVOKE ALL ON SCHEMA public FROM %1$I; ALTER DEFAULT PRIVILEGES FOR ROLE %2$I IN SCHEMA public REVOKE ALL ON TABLES FROM %1$I; `
      + `ALTER DEFAULT PRIVILEGES FOR ROLE %2$I IN SCHEMA public REVOKE ALL ON SEQUENCES FROM %1$I', r.rolname, ${pgLiteral(s.owner)})`,
    `FROM pg_roles r WHERE NOT ${UNMANAGED_ROLE} AND r.rolname <> ALL (${listed}) AND EXISTS (SELECT FROM pg_shdepend s`,
    `  WHERE s.refclassid = 'pg_authid'::regclass AND s.refobjid = r.oid AND s.deptype = 'a'`,
    `  AND s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()))`,
    '\\gexec',
  ];
  if (s.others.length) {
    lines.push(
      `GRANT USAGE ON SCHEMA public TO ${others};`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${others};`,
      `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${others};`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${others};`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${others};`,
    );
  }
  // Over its size allocation (resource limit actions) its users may not write: INSERT and UPDATE on its tables and
  // CREATE on its schema and itself are revoked, from the owner too (its ownership otherwise implies them); a save
  // within the allocation gives the owner back what this takes (the others get theirs from the grants above).
  const everyone = [owner, ...s.others.map(pgIdent)].join(', ');
  if (s.overLimit) {
    lines.push(
      `REVOKE INSERT, UPDATE ON ALL TABLES IN SCHEMA public FROM ${everyone};`,
      `REVOKE CREATE ON SCHEMA public FROM pg_database_owner, ${everyone};`,
      `REVOKE CREATE ON DATABASE ${db} FROM ${everyone};`,
      `\\echo ${psqlMetaArg(`database ${s.name}: over its allocation, INSERT, UPDATE and CREATE revoked`)}`,
    );
  } else {
    lines.push(
      `GRANT INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO ${owner};`,
      `GRANT CREATE ON SCHEMA public TO pg_database_owner;`,
      `GRANT CREATE ON DATABASE ${db} TO ${owner};`,
    );
  }
  lines.push(
    `\\connect postgres`,
    `REVOKE ALL ON DATABASE ${db} FROM PUBLIC;`,
    `SELECT format('REVOKE ALL ON DATABASE %I FROM %I', ${name}, r.rolname) FROM pg_database d, aclexplode(d.datacl) a JOIN pg_roles r ON r.oid = a.grantee`,
    `WHERE d.datname = ${name} AND r.oid <> d.datdba AND NOT ${UNMANAGED_ROLE} AND r.rolname <> ALL (${listed}) GROUP BY r.rolname`,
    '\\gexec',
  );
  if (s.others.length) lines.push(`GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${others};`);
  return lines.join('\n');
}

export function dropDatabaseSql(s: DatabaseSnapshot): string {
  return [
    `SELECT ${pgLiteral(`DROP DATABASE ${pgIdent(s.name)} WITH (FORCE)`)} WHERE EXISTS (SELECT FROM pg_database WHERE datname = ${pgLiteral(s.name)} AND NOT datistemplate)`,
    '\\gexec',
    `\\echo ${psqlMetaArg(`database ${s.name}: dropped`)}`,
  ].join('\n');
}

export const postgresqlDatabasesBackend = defineBackend<DatabaseSnapshot>({
  name: 'postgresql-databases',
  description: 'PostgreSQL databases (psql as postgres): owned by their first user, read-write for the others, closed to everyone else.',
  model: 'Database',
  ignoredFields: ['createdAt', 'updatedAt'],
  actions: ['save', 'delete'],
  timeoutMs: 10 * 60_000,
  matchFields: DATABASE_MATCH_FIELDS,
  serves: (source) => isOfEngine(source, 'postgresql'),
  snapshot: (source) => snapshotOf(source, true),
  parseSnapshot: (raw) => snapshotOf(raw, false),
  matchContext: (s) => ({ database: { name: s.name }, account: { username: s.accountUsername, type: s.accountType } }),
  label: (s) => s.name,
  prepare: () => PSQL,
  section(op: TypedOperation<DatabaseSnapshot>) {
    return sh`psql_queue ${op.action === 'delete' ? dropDatabaseSql(op.snapshot) : saveDatabaseSql(op.snapshot)}`;
  },
  commit: () => ShellCode.trusted('psql_run'),
});
