import type { Server } from '../entities/orchestration/server.js';
import { fetchHostKey, SshPool, type ServerStatus } from './ssh/index.js';
import type { PresentedHostKey } from './ssh/fetch-host-key.js';
import type { ServerEndpoint } from './types.js';

/** What the API does with servers directly (not through workflows): read their status, see their host key. */
export interface ServerAccess {
  status(server: ServerEndpoint): Promise<ServerStatus>;
  presentedHostKey(address: string, port: number): Promise<PresentedHostKey>;
  close(): Promise<void>;
}

export function endpointOf(server: Server): ServerEndpoint {
  return {
    id: server.id,
    name: server.name,
    address: server.address,
    port: server.sshPort,
    user: server.sshUser,
    hostKeyFingerprint: server.hostKeyFingerprint,
  };
}

/** Over SSH with Orchestra's key; the pool (and the key file) is opened on first use only. */
export function sshServerAccess(privateKeyPath: string): ServerAccess {
  let pool: SshPool | null = null;
  return {
    status(server) {
      pool ??= new SshPool({ privateKeyPath });
      return pool.serverStatus(server);
    },
    presentedHostKey: (address, port) => fetchHostKey(address, port, { timeoutMs: 10_000 }),
    async close() {
      await pool?.close();
    },
  };
}
