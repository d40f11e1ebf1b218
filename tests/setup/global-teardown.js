export default async function globalTeardown() {
  const { default: stopTestServices } = await import('./test-services-stop.ts');
  await stopTestServices();
}
