import { createServer } from 'node:net';

/**
 * Fails, naming every taken port, before any embedded server starts. Without it a leftover server from an earlier
 * run answers on the port and the new one is silently not the one in use (or dies with a less clear message).
 */
export async function assertPortsFree(ports: Record<string, number>): Promise<void> {
  const taken: string[] = [];
  for (const [what, port] of Object.entries(ports)) {
    if (!(await isFree(port))) taken.push(`${what} port ${port} is in use (see: ss -ltnp 'sport = :${port}')`);
  }
  if (taken.length) throw new Error(`ports in use:\n  - ${taken.join('\n  - ')}`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    // 127.0.0.1 is where the embedded servers listen.
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
