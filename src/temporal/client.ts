import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config/config.js';
import { tracingClientInterceptors } from '../observability/temporal-tracing.js';

/**
 * The client side of Temporal (API process): start, describe and list workflows.
 * Close it with `client.connection.close()`. With tracing on (started before), the workflows it starts and signals
 * continue the caller's trace.
 */
export async function connectTemporalClient(config: Pick<Config, 'temporalAddress' | 'temporalNamespace'>): Promise<Client> {
  const connection = await Connection.connect({ address: config.temporalAddress });
  return new Client({ connection, namespace: config.temporalNamespace, interceptors: tracingClientInterceptors() });
}
