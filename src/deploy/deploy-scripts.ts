import { bashFragment } from '../orchestration/shell/fragment.js';
import { sh, ShellCode } from '../orchestration/shell/quote.js';
import type { DeployTarget } from './deploy-target.js';

const FUNCTIONS = bashFragment(new URL('./deploy.sh', import.meta.url));

/** How long a started release has to pass its health check. */
export const HEALTH_CHECK_SECONDS = 60;
/** Releases kept on a server (the current one always). */
export const KEEP_RELEASES = 5;

function script(call: ShellCode): string {
  return ['#!/bin/bash', 'set -euo pipefail', FUNCTIONS.toString(), call.toString(), ''].join('\n');
}

export function setupScript(t: DeployTarget): string {
  return script(sh`deploy_setup ${t.root} ${t.user} ${t.program} ${t.role} ${t.env}`);
}

/**
 * Uploads the release inside the script itself (base64 of its .tar.gz in a here-document, so it travels over the same
 * SSH channel as every script), then installs and activates it; a failed health check rolls back by itself.
 */
export function deployScript(t: DeployTarget, release: string, tarball: Buffer, opts: { healthSeconds?: number; keep?: number } = {}): string {
  const encoded = tarball.toString('base64').replace(/.{1,76}/g, '$&\n');
  const call = sh`deploy_release ${t.root} ${t.program} ${t.role} ${release} ${opts.healthSeconds ?? HEALTH_CHECK_SECONDS} ${opts.keep ?? KEEP_RELEASES} <<'ORCHESTRA_RELEASE'`;
  // base64 has no quote, no `$` and never the terminator line: the here-document is inert.
  return script(ShellCode.trusted(`${call.toString()}\n${encoded}ORCHESTRA_RELEASE`));
}

export function rollbackScript(t: DeployTarget, release: string | null, opts: { healthSeconds?: number } = {}): string {
  const seconds = opts.healthSeconds ?? HEALTH_CHECK_SECONDS;
  return script(release ? sh`deploy_rollback ${t.root} ${t.program} ${seconds} ${release}` : sh`deploy_rollback ${t.root} ${t.program} ${seconds}`);
}

export function releasesScript(t: DeployTarget): string {
  return script(sh`deploy_releases ${t.root}`);
}

/** `releases` output: each release, which is current, which failed. */
export function parseReleases(stdout: string): { name: string; current: boolean; failed: boolean }[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name, ...flags] = line.split(' ');
      return { name, current: flags.includes('current'), failed: flags.includes('failed') };
    });
}
