import { createHash } from 'node:crypto';

/**
 * MariaDB's `mysql_native_password` hash: `*` and the uppercase hex of SHA1(SHA1(password)), over the password's
 * UTF-8 bytes (what the `mariadb` client sends with its default utf8mb4 character set). The server stores exactly
 * this (`IDENTIFIED BY PASSWORD '*…'`), so the clear password never reaches it. Checked against the server's own
 * PASSWORD() in tests/database-credentials.test.ts.
 */
export function mysqlNativePasswordHash(password: string): string {
  const once = createHash('sha1').update(Buffer.from(password, 'utf8')).digest();
  return `*${createHash('sha1').update(once).digest('hex').toUpperCase()}`;
}

export const MYSQL_NATIVE_HASH = /^\*[0-9A-F]{40}$/;
