import ssh2 from 'ssh2';
import { TransportError } from './errors.js';
import { sshFingerprint } from './fingerprint.js';

const { Client } = ssh2;

export interface PresentedHostKey {
  /** `SHA256:…`, as `ssh-keygen -lf` prints it: what the operator compares with the server's console. */
  fingerprint: string;
  /** The key type, e.g. `ssh-ed25519`. */
  algorithm: string;
}

/**
 * The explicit "trust" step: connects, reads the host key the server offers during key exchange and hangs up by
 * refusing it, so nothing authenticates and nothing runs. An operator confirms the fingerprint out of band and only
 * then is it pinned on the server.
 *
 * It uses ssh2's default host-key algorithm preference, the same one the pool's connections negotiate, so the key
 * fetched here is the key they will be checked against (ed25519 first when the server has several).
 */
export function fetchHostKey(address: string, port: number, opts: { timeoutMs?: number } = {}): Promise<PresentedHostKey> {
  const target = `${address}:${port}`;
  return new Promise((resolve, reject) => {
    const client = new Client();
    let presented: PresentedHostKey | null = null;
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      client.destroy();
      if (presented) resolve(presented);
      else reject(new TransportError(`${address}:${port}`, 'connect', `could not read the host key of ${target}: ${err?.message ?? 'connection closed'}`, { cause: err }));
    };
    // Refusing the key makes ssh2 emit "Host denied (verification failed)": the expected end of this conversation.
    client.on('error', (err: Error) => settle(err));
    client.on('close', () => settle());
    client.connect({
      host: address,
      port,
      username: 'orchestra-fetch-host-key',
      readyTimeout: opts.timeoutMs ?? 10_000,
      hostVerifier: (key: Buffer) => {
        presented = { fingerprint: sshFingerprint(key), algorithm: keyType(key) };
        return false;
      },
    });
  });
}

/** The first field of an SSH public key blob is its type name (RFC 4253 §6.6: uint32 length + string). */
function keyType(blob: Buffer): string {
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}
