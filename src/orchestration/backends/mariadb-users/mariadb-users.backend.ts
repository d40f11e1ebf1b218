/**
 * MariaDB database users: an account `'<username>'@'%'` per DatabaseUser of type mariadb, through the server's own
 * `mariadb` client as root over its socket.
 *
 * Decisions:
 * - The password reaches the server only as the mysql_native_password hash Orchestra computed
 *   (src/crypto/mysql-native-password.ts): `IDENTIFIED BY PASSWORD '*…'` stores it as is. The client echoes no
 *   statement, so the output never holds it either.
 * - Host `%`: the user may connect from wherever the server lets clients reach it (its bind-address and firewall
 *   decide); web applications on the same server connect through localhost, which `%` covers (the test servers have
 *   no anonymous users, which would shadow it: Debian's install has none either).
 * - Disabled (its account is): ACCOUNT LOCK, which refuses every new login, and its open sessions are killed; enabled
 *   again: ACCOUNT UNLOCK, same hash.
 * - A save converges (CREATE USER IF NOT EXISTS, then ALTER USER for the hash or the lock state when they differ, as
 *   mysql.global_priv says), so a change made by hand is put back; running it twice changes nothing (not even the
 *   password's age, which an ALTER of the same hash would restart).
 * - delete: DROP USER IF EXISTS, which also removes its privileges everywhere.
 * - The API refuses the names the server keeps for itself (root, mysql, mariadb.sys: ../databases/database-names.ts).
 */
import { defineBackend, type TypedOperation } from '../backend.js';
import { ShellCode, sh } from '../../shell/quote.js';
import { bashFragment } from '../../shell/fragment.js';
import { MYSQL_NATIVE_HASH } from '../../../crypto/mysql-native-password.js';
import { mariadbAccount, mariadbLiteral } from '../../sql/mariadb-quote.js';
import type { DatabaseUserSnapshot } from '../databases/database-snapshots.js';
import { databaseUserBackendBase } from '../databases/database-user-backend.js';

const MARIADB = bashFragment(new URL('../databases/mariadb.sh', import.meta.url));

/** The host part of every account Orchestra manages. */
export const MARIADB_USER_HOST = '%';

/** `SELECT 'message';`: what the session prints, one line per operation. */
export function mariadbEcho(message: string): string {
  return `SELECT ${mariadbLiteral(message)};`;
}

export function saveUserSql(s: DatabaseUserSnapshot): string {
  const account = mariadbAccount(s.username, MARIADB_USER_HOST);
  const hash = mariadbLiteral(s.passwordHash);
  const row = `FROM mysql.global_priv WHERE User = ${mariadbLiteral(s.username)} AND Host = ${mariadbLiteral(MARIADB_USER_HOST)}`;
  return [
    mariadbEcho(`user ${s.username}: saved${s.isActive ? '' : ', disabled (ACCOUNT LOCK)'}`),
    `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY PASSWORD ${hash};`,
    // Only what differs: setting the same password again would still restart its age (password_last_changed).
    'DELIMITER ;;',
    'BEGIN NOT ATOMIC',
    `  IF NOT EXISTS (SELECT 1 ${row} AND JSON_VALUE(Priv, '$.plugin') = 'mysql_native_password' AND JSON_VALUE(Priv, '$.authentication_string') = ${hash}) THEN`,
    `    ALTER USER ${account} IDENTIFIED BY PASSWORD ${hash};`,
    '  END IF;',
    `  IF NOT EXISTS (SELECT 1 ${row} AND COALESCE(JSON_VALUE(Priv, '$.account_locked'), 'false') = '${s.isActive ? 'false' : 'true'}') THEN`,
    `    ALTER USER ${account} ACCOUNT ${s.isActive ? 'UNLOCK' : 'LOCK'};`,
    '  END IF;',
    'END;;',
    'DELIMITER ;',
    // Locked, the account logs in no more; the sessions it has open end too.
    ...(s.isActive ? [] : [`KILL CONNECTION USER ${account};`]),
  ].join('\n');
}

export function dropUserSql(s: DatabaseUserSnapshot): string {
  return [`DROP USER IF EXISTS ${mariadbAccount(s.username, MARIADB_USER_HOST)};`, mariadbEcho(`user ${s.username}: deleted`)].join('\n');
}

export const mariadbUsersBackend = defineBackend<DatabaseUserSnapshot>({
  name: 'mariadb-users',
  description: "MariaDB accounts of database users (mariadb as root): mysql_native_password hash, ACCOUNT LOCK when disabled.",
  ...databaseUserBackendBase('mariadb-users', 'mariadb', (hash) => (MYSQL_NATIVE_HASH.test(hash) ? null : 'must be a mysql_native_password hash (*…)')),
  prepare: () => MARIADB,
  section(op: TypedOperation<DatabaseUserSnapshot>) {
    return sh`mariadb_queue ${op.action === 'delete' ? dropUserSql(op.snapshot) : saveUserSql(op.snapshot)}`;
  },
  commit: () => ShellCode.trusted('mariadb_run'),
});
