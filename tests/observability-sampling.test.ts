/**
 * Trace sampling by OpenTelemetry's standard variables (OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG), read by the SDK
 * that `startTracing` starts: a trace the sampler drops records nothing, and its context still travels, marked not
 * sampled, so the batch's stored `traceparent` and everything after it (the workflows follow their parent's flag) drop
 * it too; a sampled parent from elsewhere is followed (parent-based).
 */
import { afterEach, expect, test } from '@jest/globals';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '../src/observability/start-tracing.js';
import { activeTraceParent, contextFromTraceParent, inSpan, type Tracing } from '../src/observability/tracing.js';

const saved = { sampler: process.env.OTEL_TRACES_SAMPLER, arg: process.env.OTEL_TRACES_SAMPLER_ARG };
let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
  for (const [name, value] of [['OTEL_TRACES_SAMPLER', saved.sampler], ['OTEL_TRACES_SAMPLER_ARG', saved.arg]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function traceWith(sampler: string | undefined, arg: string | undefined): InMemorySpanExporter {
  if (sampler === undefined) delete process.env.OTEL_TRACES_SAMPLER;
  else process.env.OTEL_TRACES_SAMPLER = sampler;
  if (arg === undefined) delete process.env.OTEL_TRACES_SAMPLER_ARG;
  else process.env.OTEL_TRACES_SAMPLER_ARG = arg;
  const exporter = new InMemorySpanExporter();
  tracing = startTracing({ serviceName: 'orchestra-sampling-test', exporter });
  return exporter;
}

const SAMPLED_PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

test('parentbased_traceidratio at 0: a new trace records nothing and is passed on as not sampled; a sampled parent is still followed', async () => {
  const exporter = traceWith('parentbased_traceidratio', '0');
  const stored = inSpan('outbox.write', {}, () => activeTraceParent());
  expect(stored).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  inSpan('batch.start', { parent: contextFromTraceParent(stored) }, () => undefined);
  inSpan('ssh.exec', { parent: contextFromTraceParent(SAMPLED_PARENT) }, () => undefined);
  await tracing!.flush();
  expect(exporter.getFinishedSpans().map((s) => [s.name, s.spanContext().traceId])).toEqual([['ssh.exec', SAMPLED_PARENT.split('-')[1]]]);
});

test('parentbased_traceidratio at 1, and no sampler set (always on): every span is recorded, passed on as sampled', async () => {
  for (const [sampler, arg] of [['parentbased_traceidratio', '1'], [undefined, undefined]] as const) {
    const exporter = traceWith(sampler, arg);
    const stored = inSpan('outbox.write', {}, () => activeTraceParent());
    expect(stored).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    inSpan('batch.start', { parent: contextFromTraceParent(stored) }, () => undefined);
    await tracing!.flush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['outbox.write', 'batch.start']);
    await tracing!.shutdown();
    tracing = undefined;
  }
});
