/**
 * The project's rule: a package only tests use is installed by the test set-up (scripts/setup-test.sh, run by
 * `npm test`), never by `npm start`'s (scripts/setup.sh). Both set-ups run here for real; once `npm test`'s set-up has
 * run they only check, and say which Debian packages they asked for.
 */
import { expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '..');

/** The Debian packages a set-up script asked for, from what it prints (all present, or the missing ones installed). */
async function debianPackages(script: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('bash', [script], { cwd: root, timeout: 240_000 });
  const line = /^\[setup\] (?:Debian packages present \((.*)\)|installing Debian packages: (.*))$/m.exec(stdout);
  if (!line) throw new Error(`${script} printed no Debian packages line:\n${stdout}`);
  return (line[1] ?? line[2]!).split(' ');
}

test("npm start's set-up asks only for what npm start uses; the test set-up adds the tests' packages", async () => {
  expect(await debianPackages('scripts/setup.sh')).toEqual(['openssh-client', 'bind9-utils', 'dovecot-sieve', 'weasyprint', 'libxml2-utils']);
  expect(await debianPackages('scripts/setup-test.sh')).toEqual([
    'openssh-client', 'bind9-utils', 'dovecot-sieve', 'weasyprint', 'libxml2-utils', 'openssh-server', 'cron', 'shellcheck', 'strace', 'bind9', 'bind9-dnsutils', 'postgresql', 'mariadb-server',
    'mariadb-client', 'python3', 'postfix', 'dovecot-imapd', 'dovecot-lmtpd', 'swaks', 'curl',
    'prometheus', 'nginx', 'apache2', 'php8.2-fpm', 'supervisor', 'mailman3', 'poppler-utils', 'pebble',
  ]);
});
