import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config/config.js';
import type { Orm } from '../db/orm.js';
import type { Client } from '@temporalio/client';
import type { ScriptRunner } from '../orchestration/ssh/script-runner.js';
import { createActivities } from '../activities/index.js';
import { activityLogContext } from '../observability/activity-log-context.js';
import { tracingActivityInterceptors, tracingWorkflowModules, tracingWorkflowSinks } from '../observability/temporal-tracing.js';

/** A worker given no mail settings sends no e-mail. */
const NO_MAIL = { smtp: null, from: 'orchestra@localhost' };

/** The workflow bundle's entry. The worker bundles it with webpack + swc at create time (TypeScript sources directly). */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * Bundles the workflow code ahead of `createWorker` (about 1.5 s of webpack here), so a caller can overlap it with
 * other start-up work and hand the result in as `workflowBundle`. With tracing on (started before), the bundle has
 * the tracing interceptor modules: a bundle made with tracing off has none, and its worker makes no workflow spans.
 */
export async function bundleWorkflows(): Promise<{ code: string }> {
  // WARN: at INFO the bundler logs webpack's whole module listing.
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: tracingWorkflowModules(),
    logger: new DefaultLogger('WARN'),
  });
  return { code };
}

export interface CreateWorkerOptions {
  connection: NativeConnection;
  config: Pick<Config, 'temporalNamespace' | 'temporalTaskQueue'> & Partial<Pick<Config, 'outgoingMail'>>;
  orm: Orm;
  /** Runs scripts on servers: the SSH pool in production (a worker owns one and closes it on shutdown). */
  runner: ScriptRunner;
  /** For activities that start or signal workflows. */
  client: Client;
  /** Shown in the Temporal UI and returned by health checks; defaults to Temporal's own `pid@host`. */
  identity?: string;
  /** A bundle from `bundleWorkflows()`; without one, Worker.create bundles WORKFLOWS_PATH itself. */
  workflowBundle?: { code: string };
  /** Extra Worker.create options (tests, tuning); they win over the defaults here. */
  options?: Partial<WorkerOptions>;
}

/** A worker for Orchestra's workflows and activities. Run it with `worker.run()`, stop it with `worker.shutdown()`. */
export async function createWorker({ connection, config, orm, runner, client, identity, workflowBundle, options }: CreateWorkerOptions): Promise<Worker> {
  const workerIdentity = identity ?? `${process.pid}@${hostname()}`;
  return Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.temporalTaskQueue,
    identity: workerIdentity,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities({ orm, workerIdentity, runner, temporal: client, taskQueue: config.temporalTaskQueue, mail: config.outgoingMail ?? NO_MAIL }),
    ...options,
    sinks: { ...tracingWorkflowSinks(), ...options?.sinks },
    interceptors: {
      ...options?.interceptors,
      // A workflowBundle has them already (bundleWorkflows); Worker.create bundles them only when it bundles itself.
      workflowModules: [...(workflowBundle ? [] : tracingWorkflowModules()), ...(options?.interceptors?.workflowModules ?? [])],
      // The span first: the log context's lines are then written inside the activity's span.
      activity: [...tracingActivityInterceptors(), activityLogContext, ...(options?.interceptors?.activity ?? [])],
    },
  });
}

/** The worker's own connection (native, Rust core); the client's grpc-js Connection cannot be used for a worker. */
export function connectWorker(config: Pick<Config, 'temporalAddress'>): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.temporalAddress });
}
