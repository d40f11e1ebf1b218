/**
 * What a host really ran: stubs first on its PATH for the commands that change users (useradd, usermod, userdel)
 * append one line per invocation to /root/effects (`useradd alice`) before running the real command. A hold file
 * (/root/hold-<command>-<user>) makes that command wait for /root/release-<command>-<user> first, so a test can
 * starve or stop a worker while a script is surely running.
 */
import type { SshHost } from './sshd-host.js';
import { installStub, pollUntil, removeStub } from './resilience.js';

const COMMANDS = ['useradd', 'usermod', 'userdel'] as const;

function stub(command: string): string {
  return [
    '#!/bin/bash',
    'for last; do :; done',
    `echo "${command} $last" >> /root/effects`,
    `if [ -e "/root/hold-${command}-$last" ]; then`,
    `  while [ ! -e "/root/release-${command}-$last" ]; do sleep 0.1; done`,
    'fi',
    `exec /usr/sbin/${command} "$@"`,
    '',
  ].join('\n');
}

export async function installEffectsLog(host: SshHost): Promise<void> {
  for (const command of COMMANDS) await installStub(host, command, stub(command));
}

export async function removeEffectsLog(host: SshHost): Promise<void> {
  for (const command of COMMANDS) await removeStub(host, command);
}

/** The commands run so far, oldest first (`useradd alice`). */
export async function effects(host: SshHost): Promise<string[]> {
  return (await host.sandbox.bash('cat /root/effects 2>/dev/null || true')).stdout.split('\n').filter(Boolean);
}

/** The effects concerning one user. */
export async function effectsOf(host: SshHost, user: string): Promise<string[]> {
  return (await effects(host)).filter((line) => line.endsWith(` ${user}`));
}

/** From now on, `command` for `user` waits on the host until released. */
export async function hold(host: SshHost, command: (typeof COMMANDS)[number], user: string): Promise<void> {
  await host.sandbox.bash(`touch /root/hold-${command}-${user}`);
}

export async function release(host: SshHost, command: (typeof COMMANDS)[number], user: string): Promise<void> {
  await host.sandbox.bash(`touch /root/release-${command}-${user}`);
}

/** Waits until `line` (e.g. `userdel alice`) was invoked on the host: a held command is then surely running. */
export async function invoked(host: SshHost, line: string): Promise<void> {
  await pollUntil(`${line} to run on ${host.name}`, () => effects(host), (lines) => lines.includes(line));
}
