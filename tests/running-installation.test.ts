/**
 * `.data/running.json`: how the CLI finds the `npm start` of its clone. Pure unit tests of the record; the CLI against a
 * really running installation is in clone-private-dir.test.ts.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRunningInstallation, recordRunningInstallation, withRunningInstallation } from '../src/embedded/running-installation.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchestra-running-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const installation = {
  databaseUrl: 'postgresql://postgres:password@127.0.0.1:5544/orchestra',
  temporal: { address: '127.0.0.1:7344', uiUrl: 'http://localhost:8344', namespace: 'default', taskQueue: 'orchestra' },
};

test('a live installation is found until its record is removed; the record is readable by its owner only', () => {
  const forget = recordRunningInstallation(dir, installation);
  expect(statSync(join(dir, 'running.json')).mode & 0o777).toBe(0o600);
  expect(findRunningInstallation(dir)).toEqual({ pid: process.pid, ...installation });
  forget();
  expect(findRunningInstallation(dir)).toBeNull();
});

test('a record left by a process that died is ignored', () => {
  const dead = spawnSync('true').pid;
  writeFileSync(join(dir, 'running.json'), JSON.stringify({ pid: dead, ...installation }));
  expect(findRunningInstallation(dir)).toBeNull();
});

test('variables that are set win; Temporal settings come from the installation only with its address', () => {
  const found = { pid: process.pid, ...installation };
  expect(withRunningInstallation({}, found)).toMatchObject({
    DATABASE_URL: installation.databaseUrl,
    TEMPORAL_ADDRESS: '127.0.0.1:7344',
    TEMPORAL_UI_URL: 'http://localhost:8344',
    TEMPORAL_TASK_QUEUE: 'orchestra',
  });
  const elsewhere = withRunningInstallation({ DATABASE_URL: 'postgresql://u:p@db/x', TEMPORAL_ADDRESS: 'temporal:7233' }, found);
  expect(elsewhere).toEqual({ DATABASE_URL: 'postgresql://u:p@db/x', TEMPORAL_ADDRESS: 'temporal:7233' });
  // npm start with an external PostgreSQL records only its Temporal.
  expect(withRunningInstallation({}, { pid: process.pid, temporal: installation.temporal }).DATABASE_URL).toBeUndefined();
  expect(withRunningInstallation({ DATABASE_URL: '' }, null)).toEqual({ DATABASE_URL: '' });
});
