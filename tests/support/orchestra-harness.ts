import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { Operation } from '../../src/entities/orchestration/operation.js';
import { FINAL_STATES, RunState } from '../../src/entities/orchestration/run-state.js';
import { SshPool } from '../../src/orchestration/ssh/ssh-pool.js';
import { bundleWorkflows, createWorker } from '../../src/temporal/worker.js';
import { CreateRouteDocument, CreateServerDocument, ServerHostKeyDocument, TrustServerHostKeyDocument } from '../generated/graphql.js';
import { startApiHarness, type ApiHarness } from './api-harness.js';
import { startSshHost, testClientKey, type SshHost, type SshHostOptions } from './sshd-host.js';

let bundle: Promise<{ code: string }> | undefined;

// Worker state changes at INFO would drown a failing test's output. Once per process (per test file).
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed by an earlier harness in this process
}

export interface OrchestraHarness extends ApiHarness {
  hosts: Record<string, SshHost>;
  /** Global ids of the servers, by host name. */
  serverIds: Record<string, string>;
  runner: SshPool;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  /** Adds the host as a server through GraphQL, trusts its key and routes the backends to it. */
  addServer(name: string, backends: string[], match?: string): Promise<string>;
  /** Waits until every operation matching `where` is in a final state (and there is at least `min`). */
  settle(where?: object, min?: number, timeoutMs?: number): Promise<Operation[]>;
}

/**
 * The whole engine for tests: the API (real HTTP), a Temporal worker on the dev server with the real activities, an
 * SSH pool, and real sshd hosts in sandboxes.
 */
export async function startOrchestraHarness(
  hostNames: (string | ({ name: string } & SshHostOptions))[],
  options: { config?: Record<string, string>; sandbox?: SshHostOptions } = {},
): Promise<OrchestraHarness> {
  const key = await testClientKey();
  const api = await startApiHarness({ ORCHESTRA_SSH_KEY: key.privateKeyPath, ...options.config });
  const hosts: Record<string, SshHost> = {};
  for (const spec of hostNames) {
    const { name, ...own } = typeof spec === 'string' ? { name: spec } : spec;
    hosts[name] = await startSshHost(name, { ...options.sandbox, ...own });
  }
  const runner = new SshPool({ privateKeyPath: key.privateKeyPath, backoffBaseMs: 100, backoffMaxMs: 1000 });
  bundle ??= bundleWorkflows();
  const connection = await NativeConnection.connect({ address: api.config.temporalAddress });
  let worker: Worker | null = null;
  let running: Promise<void> | null = null;
  const serverIds: Record<string, string> = {};

  const harness: OrchestraHarness = {
    ...api,
    hosts,
    serverIds,
    runner,
    async startWorker() {
      worker = await createWorker({
        connection,
        config: api.config,
        orm: api.orm,
        client: api.temporal,
        runner,
        workflowBundle: await bundle!,
        identity: 'test-worker',
        options: { shutdownGraceTime: '1 second' },
      });
      running = worker.run();
    },
    async stopWorker() {
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      worker = null;
    },
    async addServer(name, backends, match = '') {
      const host = hosts[name];
      const created = await api.admin.data(CreateServerDocument, { input: { name, address: host.endpoint.address, sshPort: host.port } });
      const id = created.createServer.server!.id;
      const presented = await api.admin.data(ServerHostKeyDocument, { id });
      await api.admin.data(TrustServerHostKeyDocument, { input: { id, fingerprint: presented.server.presentedHostKey.fingerprint } });
      for (const backend of backends) {
        const route = await api.admin.data(CreateRouteDocument, { input: { backend, serverId: id, match } });
        if (route.createRoute.userErrors.length) throw new Error(JSON.stringify(route.createRoute.userErrors));
      }
      serverIds[name] = id;
      return id;
    },
    async settle(where = {}, min = 1, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const ops = await api.orm.em.fork().find(Operation, where, { orderBy: { id: 'asc' }, populate: ['run', 'server'] });
        if (ops.length >= min && ops.every((o) => FINAL_STATES.includes(o.state))) return ops;
        if (Date.now() > deadline) {
          throw new Error(`operations did not settle: ${ops.map((o) => `${o.id}:${o.backend}/${o.action}/${o.objectLabel}@${o.server.getEntity().name}=${o.state}(${o.run.getEntity().lastError ?? ''})`).join(', ')}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await harness.stopWorker();
      await connection.close();
      await runner.close();
      for (const host of Object.values(hosts)) await host.close();
      await api.close();
    },
  };
  return harness;
}

export { RunState };
