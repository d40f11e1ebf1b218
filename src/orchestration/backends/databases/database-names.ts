/**
 * Names of databases and database users, the same rule for both engines: the identity of the object on the server,
 * so they are validated (never trimmed or rewritten) and cannot change.
 *
 * - Lowercase ASCII letters, digits and "_", starting with a letter: the same name works unquoted in every client,
 *   on every filesystem MariaDB maps databases to, and in PostgreSQL, which folds unquoted names to lowercase.
 *   (The backends still quote every name: ../../sql/.)
 * - Databases at most 63 characters (PostgreSQL's limit; MariaDB's is 64), users at most 32.
 * - Names the engines keep for themselves are refused: their system databases and users, PostgreSQL's `pg_` prefix.
 */
export const DATABASE_NAME_MAX = 63;
export const DATABASE_USERNAME_MAX = 32;

const NAME = /^[a-z][a-z0-9_]*$/;
const NAME_RULE = 'lowercase letters, digits and "_", starting with a letter';

const RESERVED_DATABASES = new Set([
  'postgres', 'template0', 'template1', 'mysql', 'information_schema', 'performance_schema', 'sys', 'test',
]);
const RESERVED_USERS = new Set([
  'postgres', 'root', 'mysql', 'mariadb', 'public', 'none', 'current_user', 'current_role', 'session_user', 'debian_sys_maint',
]);

export function validateDatabaseName(name: string): string | null {
  if (typeof name !== 'string' || name === '') return 'is required';
  if (name.length > DATABASE_NAME_MAX) return `must be at most ${DATABASE_NAME_MAX} characters`;
  if (!NAME.test(name)) return `must be ${NAME_RULE}`;
  if (RESERVED_DATABASES.has(name) || name.startsWith('pg_')) return 'is reserved for the database server';
  return null;
}

export function validateDatabaseUsername(username: string): string | null {
  if (typeof username !== 'string' || username === '') return 'is required';
  if (username.length > DATABASE_USERNAME_MAX) return `must be at most ${DATABASE_USERNAME_MAX} characters`;
  if (!NAME.test(username)) return `must be ${NAME_RULE}`;
  if (RESERVED_USERS.has(username) || username.startsWith('pg_')) return 'is reserved for the database server';
  return null;
}
