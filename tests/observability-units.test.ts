/** The pure parts of observability: redaction, request ids, settings, and the suite's secret scan itself. */
import { expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/observability/logger.js';
import { withLogContext } from '../src/observability/log-context.js';
import { REDACTED, redactSecrets } from '../src/observability/redact.js';
import { requestIdFrom } from '../src/observability/request-id.js';
import { findSecretsInLogs } from './support/test-log.js';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test('secrets are redacted at any depth: passwords, tokens, authorization headers, hashes', () => {
  expect(
    redactSecrets({ input: { username: 'alice', password: 'p1', nested: [{ apiToken: 't1', newPassword: 'p2' }] }, authorization: 'Bearer x', passwordHash: 'h', name: 'ok', apiTokenId: '7', hasPassword: true }),
  ).toEqual({ input: { username: 'alice', password: REDACTED, nested: [{ apiToken: REDACTED, newPassword: REDACTED }] }, authorization: REDACTED, passwordHash: REDACTED, name: 'ok', apiTokenId: '7', hasPassword: true });
});

test('the logger redacts secrets in what it is given and adds the log context to every line', () => {
  const out = capture();
  const log = createLogger({ level: 'debug', destination: out.stream });
  withLogContext({ requestId: 'req-12345678', actor: 'alice' }, () => {
    log.info({ password: 'hunter22hunter', req: { headers: { authorization: 'Bearer secret-token-1' } }, user: { token: 'tok-abcdef123' } }, 'logged in');
    log.debug({ variables: { input: { currentPassword: 'old-one-123', name: 'x' } } }, 'variables');
  });
  log.info('outside');
  const [inside, variables, outside] = out.lines();
  expect(inside).toMatchObject({ msg: 'logged in', requestId: 'req-12345678', actor: 'alice', password: REDACTED, req: { headers: { authorization: REDACTED } }, user: { token: REDACTED } });
  expect(variables).toMatchObject({ requestId: 'req-12345678', variables: { input: { currentPassword: REDACTED, name: 'x' } } });
  expect(outside!.requestId).toBeUndefined();
  const text = JSON.stringify(out.lines());
  for (const secret of ['hunter22hunter', 'secret-token-1', 'tok-abcdef123', 'old-one-123']) expect(text).not.toContain(secret);
});

test("a caller's request id is kept when it is a plain token, replaced otherwise", () => {
  expect(requestIdFrom('abc-123_def.456:7')).toBe('abc-123_def.456:7');
  for (const bad of [undefined, '', 'short', 'with space in it', 'line\nbreak-0123', 'x'.repeat(65), '"quoted"-0123']) {
    expect(requestIdFrom(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  }
});

test('observability settings: worker metrics on 9464 by default, "off", a port; tracing only with an OTLP endpoint', () => {
  const base = { DATABASE_URL: 'postgresql://u:p@localhost/db', TEMPORAL_ADDRESS: 'localhost:7233', ORCHESTRA_TOKEN_SECRET: 'x'.repeat(32), ORCHESTRA_SSH_KEY: '/k' };
  expect(loadConfig(base).observability).toEqual({ workerMetricsPort: 9464, temporalMetricsPort: null, otlpEndpoint: null });
  expect(loadConfig({ ...base, ORCHESTRA_WORKER_METRICS_PORT: 'off', ORCHESTRA_TEMPORAL_METRICS_PORT: '9465', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' }).observability)
    .toEqual({ workerMetricsPort: null, temporalMetricsPort: 9465, otlpEndpoint: 'http://otel:4318' });
  let error: unknown;
  try {
    loadConfig({ ...base, ORCHESTRA_WORKER_METRICS_PORT: '70000', OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://x' });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems.sort()).toEqual([
    'ORCHESTRA_WORKER_METRICS_PORT must be a port (0-65535) or "off", got "70000"',
    'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, got "ftp://x"',
  ].sort());
});

test("the suite's secret scan finds a registered secret in a log, plain or JSON-escaped, and nothing else", () => {
  const root = mkdtempSync(join(tmpdir(), 'secret-scan-'));
  try {
    mkdirSync(join(root, 'logs'));
    mkdirSync(join(root, 'secrets'));
    mkdirSync(join(root, 'public'));
    const secrets = ['pa"ss word 1234', 'never-logged-123', 'x'.repeat(10)];
    writeFileSync(join(root, 'secrets', '1.txt'), secrets.map((s) => `${JSON.stringify(s)}\n`).join(''));
    // The suite also sent 'x' × 20 in an ordinary field: its 'x' × 10 password in a log proves nothing.
    writeFileSync(join(root, 'public', '1.txt'), `${JSON.stringify('x'.repeat(20))}\n`);
    writeFileSync(join(root, 'logs', '1.log'), `${JSON.stringify({ msg: 'x', value: 'pa"ss word 1234', command: 'x'.repeat(20) })}\n`);
    writeFileSync(join(root, 'logs', '2.log'), `${JSON.stringify({ msg: 'clean' })}\n`);
    expect(findSecretsInLogs(root)).toEqual([
      { log: '1.log', secret: 'pa…(15 chars)', where: `{"msg":"x","value":"<secret>","command":"${'x'.repeat(20)}"}` },
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
