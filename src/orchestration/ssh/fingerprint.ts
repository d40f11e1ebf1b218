import { createHash } from 'node:crypto';

/**
 * OpenSSH's fingerprint of a public key blob (the SSH wire encoding ssh2 hands to `hostVerifier`): `SHA256:` and
 * the unpadded base64 of its SHA-256, byte for byte what `ssh-keygen -lf` and `ssh` print.
 */
export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Compares fingerprints the way they are stored: exact match after trimming. Base64 is case-sensitive, so no case
 * folding; a missing `SHA256:` prefix (pasted by hand) is accepted.
 */
export function sameFingerprint(pinned: string, presented: string): boolean {
  const normal = (f: string) => (f.trim().startsWith('SHA256:') ? f.trim() : `SHA256:${f.trim()}`).replace(/=+$/, '');
  return normal(pinned) === normal(presented);
}
