import { Client, Connection } from '@temporalio/client';
import { startApi, type ApiHandle } from '../../src/api/app.js';
import { tracingClientInterceptors } from '../../src/observability/temporal-tracing.js';
import { bootstrapFirstAdmin } from '../../src/auth/bootstrap.js';
import type { Config } from '../../src/config/config.js';
import type { Orm } from '../../src/db/orm.js';
import { createTestDatabase } from './database.js';
import { GraphQLClient } from './graphql-client.js';
import { LoginDocument } from '../generated/graphql.js';
import { testConfig } from './test-config.js';
import { registerSecret } from './test-log.js';

export interface ApiHarness {
  config: Config;
  orm: Orm;
  api: ApiHandle;
  temporal: Client;
  /** Anonymous client. */
  client: GraphQLClient;
  /** Logged in as the first admin. */
  admin: GraphQLClient;
  adminPassword: string;
  /** Number of SQL statements the API has run so far (for N+1 tests). */
  sqlCount(): number;
  /** The SQL statements run since the last call (the logger's lines; kept only while a test asks for them). */
  takeSql(): string[];
  close(): Promise<void>;
}

/** A real API on a random port, over a database of its own, with the first admin bootstrapped and logged in. */
export async function startApiHarness(overrides: Record<string, string> = {}): Promise<ApiHarness> {
  let statements = 0;
  let recent: string[] = [];
  const db = await createTestDatabase({
    debug: ['query'],
    logger: (message: string) => {
      statements++;
      if (recent.length < 1000) recent.push(message);
    },
  });
  const orm = db.orm;
  const config = testConfig(db.url, overrides);
  registerSecret(config.tokenSecret);
  const connection = await Connection.connect({ address: config.temporalAddress });
  // As connectTemporalClient: with tracing started in this test process, the workflows it starts continue the trace.
  const temporal = new Client({ connection, namespace: config.temporalNamespace, interceptors: tracingClientInterceptors() });
  const credentials = await bootstrapFirstAdmin(orm);
  if (!credentials) throw new Error('bootstrap did not create the admin on a fresh database');
  // Unexpected errors are part of a failing test's story; set TEST_API_LOG=1 to see them.
  const api = await startApi({ config, orm, temporal, log: process.env.TEST_API_LOG ? (err) => console.error(err) : () => {} });
  const client = new GraphQLClient(api.url);
  const login = await client.data(LoginDocument, { input: credentials });
  return {
    config,
    orm,
    api,
    temporal,
    client,
    admin: client.as(login.login.token!),
    adminPassword: credentials.password,
    sqlCount: () => statements,
    takeSql: () => {
      const taken = recent;
      recent = [];
      return taken;
    },
    async close() {
      await api.close();
      await connection.close();
      await db.drop();
    },
  };
}
