// Jest loads global set-up outside its module system (no .js→.ts mapping), so TypeScript is loaded through swc here.
import { register } from 'node:module';

register('@swc-node/register/esm', import.meta.url);

export default async function globalSetup() {
  const { default: startTestServices } = await import('./test-services.ts');
  await startTestServices();
}
