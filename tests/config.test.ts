import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ConfigError, describeConfig, loadConfig } from '../src/config/config.js';
import { redactSecrets } from '../src/observability/redact.js';

const DB_PASSWORD = 'db-pass-do-not-echo';
const SECRET = 'short-secret-do-not-echo';
// Every variable wrong in a different way, with secrets inside the bad values.
const BAD_ENV = {
  DATABASE_URL: `mysql://orchestra:${DB_PASSWORD}@db/orchestra`,
  TEMPORAL_ADDRESS: 'no port here',
  ORCHESTRA_TOKEN_SECRET: SECRET,
  // ORCHESTRA_SSH_KEY missing
  PORT: '70000',
  GRAPHQL_INTROSPECTION: 'maybe',
  LOG_LEVEL: 'loud',
};
const BAD_VARIABLES = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'ORCHESTRA_TOKEN_SECRET', 'ORCHESTRA_SSH_KEY', 'PORT', 'GRAPHQL_INTROSPECTION', 'LOG_LEVEL'];

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('loadConfig accepted a bad environment');
}

describe('loadConfig', () => {
  test('reports every bad variable in one message', () => {
    const error = configError(BAD_ENV);
    for (const name of BAD_VARIABLES) expect(error.message).toContain(name);
    expect(error.problems).toHaveLength(BAD_VARIABLES.length);
  });

  test('never echoes the token secret or the database password', () => {
    const { message } = configError(BAD_ENV);
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain(DB_PASSWORD);
    // A well-formed URL with a password and a bad neighbour: still no password.
    const other = configError({ DATABASE_URL: `postgresql://u:${DB_PASSWORD}@db/x`, TEMPORAL_ADDRESS: 'x' });
    expect(other.message).not.toContain(DB_PASSWORD);
  });

  test('an empty environment names every required variable', () => {
    const { message } = configError({});
    for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'ORCHESTRA_TOKEN_SECRET', 'ORCHESTRA_SSH_KEY']) {
      expect(message).toContain(name);
    }
  });
});

describe('SMTP settings', () => {
  const GOOD = { DATABASE_URL: 'postgresql://u@db/x', TEMPORAL_ADDRESS: 'localhost:7233', ORCHESTRA_TOKEN_SECRET: 'x'.repeat(32), ORCHESTRA_SSH_KEY: '/k' };
  const SMTP_PASSWORD = 'smtp-pass-do-not-echo';

  test('smtp:// and smtps:// with credentials are read once into the configuration; the password is printed nowhere', () => {
    const config = loadConfig({ ...GOOD, ORCHESTRA_SMTP_URL: 'smtps://relay.example.net', ORCHESTRA_SMTP_USERNAME: 'bills', ORCHESTRA_SMTP_PASSWORD: SMTP_PASSWORD });
    expect(config.outgoingMail.smtp).toEqual({ host: 'relay.example.net', port: 465, secure: true, auth: { username: 'bills', password: SMTP_PASSWORD } });
    expect(loadConfig({ ...GOOD, ORCHESTRA_SMTP_URL: 'smtp://127.0.0.1:2525' }).outgoingMail.smtp).toEqual({ host: '127.0.0.1', port: 2525, secure: false, auth: null });
    expect(JSON.stringify(describeConfig(config))).not.toContain(SMTP_PASSWORD);
    expect(JSON.stringify(redactSecrets(config))).not.toContain(SMTP_PASSWORD);
  });

  test('a password in the URL, a username without a password or another scheme is refused without echoing the URL', () => {
    const error = configError({ ...GOOD, ORCHESTRA_SMTP_URL: `smtp://bills:${SMTP_PASSWORD}@relay.example.net`, ORCHESTRA_SMTP_USERNAME: 'bills' });
    expect(error.problems).toHaveLength(2);
    expect(error.message).toContain('ORCHESTRA_SMTP_URL must be smtp://host[:port] or smtps://host[:port]');
    expect(error.message).toContain('ORCHESTRA_SMTP_USERNAME and ORCHESTRA_SMTP_PASSWORD go together');
    expect(error.message).not.toContain(SMTP_PASSWORD);
    expect(configError({ ...GOOD, ORCHESTRA_SMTP_URL: 'http://relay.example.net' }).problems).toHaveLength(1);
  });
});

describe('entry points', () => {
  test.each(['api', 'worker', 'migrate'])('src/bin/%s.ts exits non-zero naming every bad variable, secrets unprinted', async (bin) => {
    const root = resolve(import.meta.dirname, '..');
    const { code, output } = await run(
      resolve(root, 'node_modules/.bin/node'),
      ['--import', './scripts/register.js', `src/bin/${bin}.ts`],
      // Only what a process needs to start; nothing inherited that could make a variable valid.
      { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', ...BAD_ENV },
      root,
    );
    expect(code).toBe(1);
    for (const name of BAD_VARIABLES) expect(output).toContain(name);
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(DB_PASSWORD);
  });
});

function run(command: string, args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}
