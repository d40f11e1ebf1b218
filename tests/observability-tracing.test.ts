/**
 * OpenTelemetry traces on the real engine (API over HTTP, worker, Temporal dev server, a sandboxed sshd host): one
 * mutation's trace from its GraphQL request to the SSH exec, parent-linked across the API and the worker; the same
 * over OTLP/HTTP from a production worker process to a collector; and tracing off: no span, nothing exported.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { print } from 'graphql';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation.js';
import { Batch } from '../src/entities/orchestration/batch.js';
import { startTracing } from '../src/observability/start-tracing.js';
import { tracingActive, type Tracing } from '../src/observability/tracing.js';
import { OTEL_TRACE_HEADER } from '../src/workflows/trace-parent-interceptors.js';
import { bundleWorkflows } from '../src/temporal/worker.js';
import { CreateAccountDocument } from './generated/graphql.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { pollUntil } from './support/resilience.js';
import { startWorkerProcess } from './support/worker-process.js';

/** An OTLP/HTTP collector: every export request's JSON body (the exporter's default encoding). */
interface Collector {
  url: string;
  requests: OtlpRequest[];
  close(): Promise<void>;
}
interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes: { key: string; value: Record<string, unknown> }[] }
interface OtlpRequest { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[] }

async function startCollector(): Promise<Collector> {
  const requests: OtlpRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') requests.push(JSON.parse(body) as OtlpRequest);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const collectorSpans = (c: Collector) =>
  c.requests.flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ ...span, service: rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue })))));

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let h: OrchestraHarness;
let collector: Collector;
beforeAll(async () => {
  // Before the harness: its Temporal client, workflow bundle and worker take their interceptors from it.
  tracing = startTracing({ serviceName: 'orchestra-test', exporter });
  h = await startOrchestraHarness(['trace1']);
  await h.startWorker();
  await h.addServer('trace1', ['system-users']);
  collector = await startCollector();
}, 180_000);
afterAll(async () => {
  await h?.close();
  await collector?.close();
  await tracing?.shutdown();
});

const createAccount = (username: string, password: string, requestId: string) =>
  h.admin.raw<{ createAccount: { account: { id: string } | null; userErrors: unknown[] } }>(
    { query: print(CreateAccountDocument), variables: { input: { username, type: 'INDIVIDUAL', password } } },
    { 'x-request-id': requestId },
  );

/**
 * The spans of the trace whose request span carries `requestId`, once one named `last` has ended in it and the parent
 * of every span has ended too (spans are exported when they end: a parent ends after its children). A parent that
 * never shows up fails the wait, naming the spans seen.
 */
async function traceOf(requestId: string, last: string): Promise<ReadableSpan[]> {
  let inTrace: ReadableSpan[] = [];
  await pollUntil(
    `a trace of request ${requestId} with ${last}, every parent present`,
    async () => {
      await tracing.flush();
      const spans = exporter.getFinishedSpans();
      const root = spans.find((s) => s.attributes['orchestra.request_id'] === requestId);
      inTrace = root ? spans.filter((s) => s.spanContext().traceId === root.spanContext().traceId) : [];
      const ids = new Set(inTrace.map((s) => s.spanContext().spanId));
      return inTrace.map((s) => ({ name: s.name, parentPresent: !s.parentSpanId || ids.has(s.parentSpanId) }));
    },
    (spans) => spans.some((s) => s.name === last) && spans.every((s) => s.parentPresent),
    120_000,
    500,
  );
  return inTrace;
}

/** From a span up to its trace's root, by parent span id: the names on the way. */
function pathToRoot(spans: ReadableSpan[], from: ReadableSpan): string[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const names = [from.name];
  for (let span = from; span.parentSpanId; ) {
    const parent = byId.get(span.parentSpanId);
    if (!parent) throw new Error(`${span.name}'s parent ${span.parentSpanId} is not in the trace (${names.join(' <- ')})`);
    names.push(parent.name);
    span = parent;
  }
  return names;
}

test('the workflow interceptor writes the header Temporal\'s OpenTelemetry interceptors read', () => {
  expect(OTEL_TRACE_HEADER).toBe(TRACE_HEADER);
});

test('the workflow bundle made with tracing on carries the workflow span interceptors, not the OpenTelemetry SDK (rebuilt for every workflow run, it cost most of the worker\'s CPU)', async () => {
  const { code } = await bundleWorkflows();
  expect(code).toContain('tracing-interceptors.ts');
  expect(code).toContain('trace-parent-interceptors.ts');
  expect(code).not.toContain('@opentelemetry/sdk-trace-base');
  expect(code).not.toContain('@opentelemetry/api');
}, 180_000);

test('one mutation is one trace, from its GraphQL request to the SSH exec on the server, every span parent-linked, across API and worker', async () => {
  const requestId = `trace-${Math.random().toString(36).slice(2, 12)}`;
  const password = 'a traced secret password 4417';
  const response = await createAccount('traced', password, requestId);
  expect(response.data?.createAccount.userErrors).toEqual([]);
  await h.settle({ accountUsername: 'traced' }, 1);
  const batch = await h.orm.em.fork().findOneOrFail(Batch, { requestId });

  // Every span's parent is in the trace (traceOf waits for that): one root, the request.
  const spans = await traceOf(requestId, 'ssh.exec');
  expect(spans.filter((s) => !s.parentSpanId).map((s) => s.name)).toEqual(['mutation createAccount']);

  // The SSH exec hangs from the request through the outbox and the server queue's activity (worker side).
  const exec = spans.find((s) => s.name === 'ssh.exec')!;
  expect(pathToRoot(spans, exec)).toEqual([
    'ssh.exec', 'RunActivity:runScript', 'outbox.write', 'resolve Mutation.createAccount', 'mutation createAccount',
  ]);
  expect(exec.attributes).toMatchObject({
    'orchestra.server': 'trace1', 'server.address': h.hosts.trace1.endpoint.address, 'orchestra.backend': 'system-users',
    'orchestra.batch_id': batch.id, 'orchestra.exit_code': 0,
  });
  // The batch was started in the same trace (it stored the outbox span): the server queue was woken from it.
  const start = spans.find((s) => s.name === 'batch.start')!;
  expect(pathToRoot(spans, start).slice(1)).toEqual(['outbox.write', 'resolve Mutation.createAccount', 'mutation createAccount']);
  const wake = spans.find((s) => s.name === 'HandleSignal:wake');
  expect(wake && pathToRoot(spans, wake).slice(0, 3)).toEqual(['HandleSignal:wake', 'SignalWithStartWorkflow:serverQueueWorkflow', 'batch.start']);
  expect(batch.traceParent).toMatch(new RegExp(`^00-${exec.spanContext().traceId}-[0-9a-f]{16}-01$`));

  // No secret and no script in any attribute.
  const values = JSON.stringify(spans.map((s) => s.attributes));
  expect(values).not.toContain(password);
  expect(values).not.toContain('useradd');
}, 180_000);

test('a production worker process with OTEL_EXPORTER_OTLP_ENDPOINT exports its spans over OTLP/HTTP, in the trace the API began', async () => {
  await h.stopWorker();
  const worker = await startWorkerProcess(h, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
  try {
    const requestId = `otlp-${Math.random().toString(36).slice(2, 12)}`;
    expect((await createAccount('otlp', 'an otlp secret password 5521', requestId)).data?.createAccount.userErrors).toEqual([]);
    await h.settle({ accountUsername: 'otlp' }, 1, 180_000);
    const apiSpans = await traceOf(requestId, 'batch.start');
    const traceId = apiSpans[0].spanContext().traceId;
    const exported = await pollUntil(
      'the worker process to export the SSH exec of that trace',
      async () => collectorSpans(collector).filter((s) => s.traceId === traceId),
      (found) => found.some((s) => s.name === 'ssh.exec'),
      120_000,
      500,
    );
    expect(new Set(exported.map((s) => s.service))).toEqual(new Set(['orchestra-worker']));
    expect(exported.map((s) => s.name)).toEqual(expect.arrayContaining(['RunActivity:runScript', 'ssh.exec']));
    // The run activity's parent is the API's outbox span: the trace crosses the processes.
    const run = exported.find((s) => s.name === 'RunActivity:runScript')!;
    expect(apiSpans.find((s) => s.spanContext().spanId === run.parentSpanId)?.name).toBe('outbox.write');
  } finally {
    await worker.stop();
  }
}, 420_000);

test('tracing off: no span is made, the batch keeps no trace context, and a worker without an endpoint exports nothing', async () => {
  await tracing.shutdown();
  expect(tracingActive()).toBe(false);
  exporter.reset();
  const before = collector.requests.length;
  const worker = await startWorkerProcess(h);
  try {
    const requestId = `off-${Math.random().toString(36).slice(2, 12)}`;
    expect((await createAccount('untraced', 'an untraced secret password 8812', requestId)).data?.createAccount.userErrors).toEqual([]);
    const ops = await h.settle({ accountUsername: 'untraced' }, 1, 180_000);
    expect(ops.map((o) => o.state)).toEqual(['SUCCESS']);
    const batch = await h.orm.em.fork().findOneOrFail(Batch, { requestId });
    expect(batch.traceParent).toBeNull();
    // The global API is OpenTelemetry's no-op again: what anything starts is not recorded.
    expect(trace.getTracer('any').startSpan('probe').isRecording()).toBe(false);
  } finally {
    // Stopping flushes whatever a tracing worker would still hold.
    await worker.stop();
  }
  expect(exporter.getFinishedSpans()).toEqual([]);
  expect(collector.requests.length).toBe(before);
}, 420_000);
