import { rmSync } from 'node:fs';
import { findSecretsInLogs } from '../support/test-log.js';

export default async function stopTestServices(): Promise<void> {
  const services = (globalThis as Record<string, unknown>).__orchestraTestServices as
    | { postgres: { stop(): Promise<void> }; temporal: { stop(): Promise<void> }; dir: string }
    | undefined;
  if (!services) return;
  await Promise.all([services.postgres.stop(), services.temporal.stop()]);
  const leaked = findSecretsInLogs(services.dir);
  rmSync(services.dir, { recursive: true, force: true });
  if (leaked.length) {
    throw new Error(`secrets the tests used appear in the captured logs:\n${leaked.map((l) => `  ${l.secret} in ${l.log}: ${l.where}`).join('\n')}`);
  }
}
