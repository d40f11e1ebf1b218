// A deployed worker's health check (src/deploy/release-bin/health-check): runs healthCheckWorkflow on the
// TEMPORAL_TASK_QUEUE of the environment and prints which worker answered; exits 1 when none did within 10 s.
import { Client, Connection } from '@temporalio/client';
import { runHealthCheck } from '../temporal/health-check.js';

const address = process.env.TEMPORAL_ADDRESS;
if (!address) {
  console.error('worker-health-check: TEMPORAL_ADDRESS is not set');
  process.exit(1);
}
const connection = await Connection.connect({ address });
try {
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE || 'default' });
  const result = await runHealthCheck(client, process.env.TEMPORAL_TASK_QUEUE || 'orchestra');
  console.log(`healthy: worker ${result.workerIdentity}, database ${result.database.split(' ').slice(0, 2).join(' ')}`);
} catch (err) {
  console.error(`worker-health-check: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await connection.close();
}
