/**
 * One real round trip: the dev server from global set-up, a worker with the real workflow bundle and the real
 * activities on a test database of this file's own.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createTestDatabase } from './support/database.js';
import { runHealthCheck } from '../src/temporal/health-check.js';
import { registerSearchAttributes } from '../src/temporal/register-search-attributes.js';
import { ObjectSearchAttribute } from '../src/temporal/search-attributes.js';
import { createWorker } from '../src/temporal/worker.js';

const namespace = 'default';
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let connection: Connection;
let client: Client;
let workerConnection: NativeConnection;

beforeAll(async () => {
  // Quiet worker state changes; warnings and errors still show.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const address = process.env.TEMPORAL_ADDRESS!;
  db = await createTestDatabase();
  connection = await Connection.connect({ address });
  client = new Client({ connection, namespace });
  workerConnection = await NativeConnection.connect({ address });
});

afterAll(async () => {
  await workerConnection?.close();
  await connection?.close();
  await db?.drop();
});

test('healthCheckWorkflow runs checkDatabase on a worker and is findable by its search attribute', async () => {
  const taskQueue = `test-health-${randomUUID()}`;
  const worker = await createWorker({
    connection: workerConnection,
    config: { temporalNamespace: namespace, temporalTaskQueue: taskQueue },
    orm: db.orm,
    client,
    // The health check runs no script; a runner that would say so if it were asked to.
    runner: { run: () => Promise.reject(new Error('no script expected in this test')), forget: () => undefined },
    identity: 'roundtrip-test-worker',
  });

  const result = await worker.runUntil(runHealthCheck(client, taskQueue));

  expect(result.database).toMatch(/^PostgreSQL \d+/);
  expect(result.workerIdentity).toBe('roundtrip-test-worker');
  expect(Math.abs(Date.parse(result.checkedAt) - Date.now())).toBeLessThan(60_000);
  const description = await client.workflow.getHandle(result.workflowId, result.runId).describe();
  expect(description.status.name).toBe('COMPLETED');
  expect(description.type).toBe('healthCheckWorkflow');
  expect(description.typedSearchAttributes.get(ObjectSearchAttribute)).toBe('health');
});

test('registerSearchAttributes adds what the namespace lacks and is idempotent', async () => {
  // What a restart on an old Temporal database looks like: the namespace lacks an attribute added since.
  const added = defineSearchAttributeKey(`OrchestraProbe${randomUUID().slice(0, 8)}`, SearchAttributeType.KEYWORD);

  expect(await registerSearchAttributes(connection, namespace, [ObjectSearchAttribute, added])).toEqual([added.name]);
  expect(await registerSearchAttributes(connection, namespace, [ObjectSearchAttribute, added])).toEqual([]);
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining([added.name, 'OrchestraObjects']));
});

test('registerSearchAttributes re-registers an attribute an older Orchestra registered with another type', async () => {
  // OrchestraServer and OrchestraBackend were keywords, now keyword lists: an old Temporal database has the old type.
  const name = `OrchestraRetyped${randomUUID().slice(0, 8)}`;
  await registerSearchAttributes(connection, namespace, [defineSearchAttributeKey(name, SearchAttributeType.KEYWORD)]);
  expect(await registerSearchAttributes(connection, namespace, [defineSearchAttributeKey(name, SearchAttributeType.INT)])).toEqual([name]);
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  expect(Number(customAttributes![name])).toBe(3); // IndexedValueType INT
});
