import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * Secrets for running on one machine, made on first start and kept under the data directory (files 0600), so that
 * session tokens and the key managed servers trust survive a restart. Production passes its own through the
 * environment instead.
 */

/** The session-token signing secret in `<dataDir>/secrets/token-secret`, created if missing. */
export function ensureTokenSecret(dataDir: string): string {
  const dir = join(dataDir, 'secrets');
  const file = join(dir, 'token-secret');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // 48 random bytes: well above the 32 characters loadConfig requires.
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

/** Orchestra's ed25519 SSH key pair in `<dataDir>/ssh/id_ed25519{,.pub}`, created if missing; returns the private key path. */
export function ensureSshKeyPair(dataDir: string): { privateKeyPath: string; publicKey: string; created: boolean } {
  const dir = join(dataDir, 'ssh');
  const privateKeyPath = join(dir, 'id_ed25519');
  const created = !existsSync(privateKeyPath);
  if (created) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `orchestra@${hostname()}`, '-f', privateKeyPath], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  // ssh refuses a private key others can read.
  chmodSync(privateKeyPath, 0o600);
  return { privateKeyPath, publicKey: readFileSync(`${privateKeyPath}.pub`, 'utf8').trim(), created };
}
