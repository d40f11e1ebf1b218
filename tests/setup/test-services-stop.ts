import { rmSync } from 'node:fs';

export default async function stopTestServices(): Promise<void> {
  const services = (globalThis as Record<string, unknown>).__orchestraTestServices as
    | { postgres: { stop(): Promise<void> }; temporal: { stop(): Promise<void> }; dir: string }
    | undefined;
  if (!services) return;
  await Promise.all([services.postgres.stop(), services.temporal.stop()]);
  rmSync(services.dir, { recursive: true, force: true });
}
