/**
 * The mail monitors' scripts as the resources framework will run them: whole scripts that pass shellcheck (their
 * effects on a real mail server are in tests/mail-servers.test.ts, "monitors: …").
 */
import { expect, test } from '@jest/globals';
import { mailTrafficScript, mailboxDiskScript } from '../src/orchestration/monitors/mail/mail-monitors.js';
import { shellcheckScript } from './support/shellcheck.js';

test.each([
  ['mailbox disk', mailboxDiskScript()],
  ['mail traffic', mailTrafficScript()],
  ['mail traffic, hostile paths', mailTrafficScript("/var/log/it's $(id).log", '/var/lib/orchestra/`id`/state')],
])('%s: shellcheck finds nothing', (_name, script) => {
  expect(script.startsWith('#!/bin/bash\nset -euo pipefail\n')).toBe(true);
  expect(shellcheckScript(script)).toEqual({ status: 0, findings: '' });
});
