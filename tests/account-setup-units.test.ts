/**
 * The pure parts of account set-up: the published JSON Schema is the one the API validates with, every registered
 * kind is in it, and stored password hashes are recognised as the same password (so applying a description with
 * clear passwords twice changes nothing).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { mysqlNativePasswordHash } from '../src/crypto/mysql-native-password.js';
import { scramSha256Verifier } from '../src/crypto/scram-sha-256.js';
import { hashSystemPassword, sha512Crypt } from '../src/crypto/sha512-crypt.js';
import { passwordMatches } from '../src/standup/password-matches.js';
import { setupSectionList } from '../src/standup/sections/index.js';
import { setupDescriptionSchema } from '../src/standup/setup-description.js';
import { SETUP_SCHEMA_FILE, setupSchemaText } from '../src/standup/setup-schema-file.js';
import { validateDescription } from '../src/standup/validate-description.js';
import { UserInputError } from '../src/errors/user-input-error.js';

test('docs/account-setup.schema.json is the schema the API validates with (npm run schema:emit writes it)', async () => {
  expect(await readFile(join(import.meta.dirname, '..', SETUP_SCHEMA_FILE), 'utf8')).toBe(setupSchemaText());
  const properties = setupDescriptionSchema().properties as Record<string, unknown>;
  expect(Object.keys(properties)).toEqual(['$schema', 'account', ...setupSectionList().map((s) => s.kind)]);
  expect(setupSectionList().map((s) => s.kind)).toEqual(['systemUsers', 'crontabs', 'databaseUsers', 'databases', 'domains', 'mailboxes']);
});

test('validation reports every problem at its path, and accepts a full description', () => {
  const problems = (description: unknown) => {
    try {
      validateDescription(description);
      return [];
    } catch (err) {
      return (err as UserInputError).errors.map((e) => `${e.field} ${e.code}`);
    }
  };
  expect(problems([])).toEqual(['input.description INVALID']);
  expect(problems({ account: { username: 'a', type: 'KING' }, databases: [{ type: 'POSTGRESQL', name: 'x', users: [] }] }).sort()).toEqual([
    'input.description.account.type INVALID',
    'input.description.databases[0].users INVALID',
  ]);
  expect(problems({ account: { username: 'x'.repeat(33) } })).toEqual(['input.description.account.username TOO_LONG']);
  expect(
    problems({
      $schema: 'https://orchestra.invalid/schemas/account-setup.schema.json',
      account: { username: 'acme', type: 'COMPANY', language: 'en', fullName: 'ACME', password: 'a long password' },
      systemUsers: [{ username: 'acme_web', shell: 'BASH', groups: ['acme'], password: 'pw', isActive: false }],
      crontabs: [{ systemUser: 'acme', minute: '0', hour: '3', command: 'backup', description: 'nightly', isActive: true }],
      databaseUsers: [{ type: 'MARIADB', username: 'acme_db', password: 'pw' }],
      databases: [{ type: 'MARIADB', name: 'acme_shop', users: ['acme_db'] }],
    }),
  ).toEqual([]);
});

test('a stored hash is recognised as the same password, in each of the formats the services store', () => {
  const system = hashSystemPassword('secret one');
  expect(passwordMatches('secret one', system)).toBe(true);
  expect(passwordMatches('secret two', system)).toBe(false);
  const rounds = sha512Crypt('secret one', 'saltsalt', 10_000);
  expect(passwordMatches('secret one', rounds)).toBe(true);
  expect(passwordMatches('secret one ', rounds)).toBe(false);
  const scram = scramSha256Verifier('secret one');
  expect(passwordMatches('secret one', scram)).toBe(true);
  expect(passwordMatches('Secret one', scram)).toBe(false);
  expect(passwordMatches('secret one', `{SHA512-CRYPT}${system}`)).toBe(true);
  expect(passwordMatches('secret two', `{SHA512-CRYPT}${system}`)).toBe(false);
  const mysql = mysqlNativePasswordHash('secret one');
  expect(passwordMatches('secret one', mysql)).toBe(true);
  expect(passwordMatches('secret two', mysql)).toBe(false);
  expect(passwordMatches('secret one', null)).toBe(false);
});
