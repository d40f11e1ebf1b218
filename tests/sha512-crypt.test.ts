import { expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { hashSystemPassword, SHA512_CRYPT, sha512Crypt } from '../src/crypto/sha512-crypt.js';

test.each([
  ['password', 'saltstring'],
  ['p', 'x'],
  ['ünïcødé pässwörd 🔑', 'abcdefghABCDEFGH'],
  ['a'.repeat(200), './09AZaz'],
  ["quote ' and $(dollar)", 'q'],
])('matches openssl passwd -6 for %j / salt %j', (password, salt) => {
  const expected = execFileSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: password }).toString().trim();
  expect(sha512Crypt(password, salt)).toBe(expected);
});

test('matches glibc crypt(3) with explicit rounds', () => {
  const glibc = execFileSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', 'Hello world!', '$6$rounds=10000$saltstring']).toString();
  expect(sha512Crypt('Hello world!', 'saltstring', 10000)).toBe(glibc);
});

test('random salts give different hashes of the right shape', () => {
  const a = hashSystemPassword('secret password');
  const b = hashSystemPassword('secret password');
  expect(a).toMatch(SHA512_CRYPT);
  expect(a).not.toBe(b);
  const salt = a.split('$')[2];
  expect(sha512Crypt('secret password', salt)).toBe(a);
});
