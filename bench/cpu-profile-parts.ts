/**
 * A V8 CPU profile's busy time by part of a mutation's path (bench/mutation-cost.ts): each sample goes to the part of
 * the innermost project frame on its stack (so MikroORM called from the outbox writer counts as the outbox), or, when
 * the stack has none (an async continuation resumed from the event loop: V8's stacks stop at the await), to the part
 * of its innermost library frame. Parts are ordered as the path runs.
 */
import type { CpuProfile } from './cpu-profile-summary.js';

/** [part, pattern on the frame's URL]; the first that matches names the part. */
const PROJECT_PARTS: [string, RegExp][] = [
  ['outbox rows (write-outbox)', /\/src\/orchestration\/outbox\/write-outbox\./],
  ['per-server locks and positions', /\/src\/orchestration\/outbox\/(server-locks|server-positions)\./],
  ['Temporal wake-up (batch starter)', /\/src\/orchestration\/(outbox\/temporal-batch-starter|wake-server-queue)\./],
  ['backends: snapshots and rendering', /\/src\/orchestration\/(backends|shell)\//],
  ['collector: plan', /\/src\/orchestration\/(collector\/|outbox\/|routes\/)|\/src\/services\/[^/]+\/[^/]+\.module\.|\/src\/services\/[^/]+\.ts/],
  ['audit', /\/src\/(audit|schema\/audit)\//],
  ['auth', /\/src\/auth\//],
  ['validation', /\/src\/validation\/|\.validation\./],
  ['use case (loads, changes)', /\/src\/services\//],
  ['runUseCase (transaction)', /\/src\/use-cases\/|\/src\/schema\/mutation\./],
  ['billing order collector', /\/src\/billing\//],
  ['observability (logs, request scope, spans)', /\/src\/observability\//],
  ['HTTP and GraphQL (Orchestra)', /\/src\/(api|schema)\//],
  ['ORM set-up (subscribers)', /\/src\/(db|entities)\//],
  ['other project code', /\/src\//],
];

const LIBRARY_PARTS: [string, RegExp][] = [
  ['MikroORM, no project frame (flush, hydration, async continuations)', /node_modules\/@mikro-orm\//],
  ['node-postgres (protocol)', /node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-[^/]+)\//],
  ['GraphQL libraries (Apollo, graphql-js, graphql-jit, type-graphql)', /node_modules\/(graphql|graphql-jit|@apollo\/[^/]+|type-graphql|@graphql-tools\/[^/]+)\//],
  ['Temporal client and gRPC', /node_modules\/(@temporalio\/[^/]+|@grpc\/[^/]+|protobufjs)\//],
  ['logging (pino)', /node_modules\/(pino[^/]*|sonic-boom)\//],
  ['HTTP (node:http, Express)', /^node:_http_|node_modules\/(express|body-parser|router)\//],
];

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export function profileParts(profile: CpuProfile): Map<string, number> {
  const nodes = new Map<number, Node>(profile.nodes.map((n) => [n.id, n as Node]));
  const parent = new Map<number, number>();
  for (const node of nodes.values()) for (const child of node.children ?? []) parent.set(child, node.id);
  const partOfNode = new Map<number, string | null>();
  const partOf = (id: number): string | null => {
    if (partOfNode.has(id)) return partOfNode.get(id)!;
    let library: string | null = null;
    let part: string | null = null;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { url, functionName } = nodes.get(at)!.callFrame;
      const project = PROJECT_PARTS.find(([, re]) => re.test(url));
      if (project) {
        part = project[0];
        break;
      }
      library ??= LIBRARY_PARTS.find(([, re]) => re.test(url))?.[0] ?? null;
      if (at === id && !url) library = functionName === '(garbage collector)' ? 'garbage collector' : functionName === '(program)' ? '(program: V8 and native)' : null;
    }
    const result = part ?? library ?? 'other (node internals, microtasks)';
    partOfNode.set(id, result);
    return result;
  };
  const parts = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    if (nodes.get(id)!.callFrame.functionName === '(idle)') return;
    const part = partOf(id)!;
    parts.set(part, (parts.get(part) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return parts;
}

/** Busy µs by part, as a Markdown table of ms per mutation and share. */
export function partsTable(parts: Map<string, number>, mutations: number): string {
  const busy = [...parts.values()].reduce((s, us) => s + us, 0);
  const rows = [...parts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([part, us]) => `| ${part} | ${(us / 1000 / mutations).toFixed(2)} | ${((100 * us) / busy).toFixed(1)} % |`);
  return ['| part | CPU ms per mutation | share |', '|---|---:|---:|', ...rows, `| **total (busy)** | **${(busy / 1000 / mutations).toFixed(2)}** | 100 % |`].join('\n');
}
