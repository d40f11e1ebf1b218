/**
 * The rules of a web app (inventory §2.7), with the webapps backend's own validators (reused), so the API accepts
 * exactly what the backend renders.
 *
 * - Names: unique per account, lowercase letters, digits, "_", "-" (a directory name under ~/webapps).
 * - PHP: the version is one of ORCHESTRA_PHP_VERSIONS (default the first); ini values by ./php-options.ts's policy.
 * - Public root: a relative path inside the app's directory (no "..", no "." segment, no leading "/").
 * - Symbolic link: the target is a relative path inside the home, outside ~/webapps.
 * - Process: a start command (one line) and a loopback port (1024 to 65535) no other process app has.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { WebApp, type WebAppOptions } from '../../entities/web/web-app.js';
import { WebAppType } from '../../entities/web/web-app-type.js';
import { webSettings } from '../../config/web-settings.js';
import { PHP_MAX_PROCESSES, PHP_MAX_TIMEOUT } from '../../orchestration/backends/webapps/webapps.backend.js';
import { phpIniProblem } from '../../orchestration/backends/webapps/php-options.js';
import { validateProcessCommand, validateProcessPort, validateRelativePath, validateWebName } from '../../orchestration/backends/web/web-values.js';
import { UserErrorCode } from '../../errors/user-input-error.js';
import type { Validator } from '../../validation/validator.js';

export function checkWebAppName(v: Validator, name: string): void {
  if (name === '') v.add('name', 'is required', UserErrorCode.REQUIRED);
  else {
    const problem = validateWebName(name);
    if (problem) v.add('name', problem);
  }
}

export async function checkWebAppNameFree(v: Validator, em: EntityManager, accountId: string, name: string): Promise<void> {
  if (await em.count(WebApp, { account: accountId, name }, { filters: false })) v.add('name', 'is already taken', UserErrorCode.TAKEN);
}

/** The version to store: the one asked for (a configured one) or the default; null for other types. */
export function checkPhpVersion(v: Validator, type: WebAppType, version: string | null | undefined): string | null {
  if (type !== WebAppType.PHP) {
    if (version) v.add('phpVersion', 'only a PHP app has a PHP version');
    return null;
  }
  const versions = webSettings().phpVersions;
  if (!version) return versions[0]!;
  if (!versions.includes(version)) v.add('phpVersion', `must be one of the configured versions: ${versions.join(', ')}`);
  return version;
}

export interface WebAppOptionsInput {
  publicRoot?: string | null;
  timeout?: number | null;
  processes?: number | null;
  phpIni?: { name: string; value: string }[] | null;
  target?: string | null;
  command?: string | null;
  port?: number | null;
}

/** The options to store (unset ones left out), checked for the app's type and PHP version. */
export function checkWebAppOptions(v: Validator, type: WebAppType, phpVersion: string | null, input: WebAppOptionsInput): WebAppOptions {
  const out: WebAppOptions = {};
  if (input.publicRoot) {
    const problem = validateRelativePath(input.publicRoot);
    if (problem) v.add('options.publicRoot', problem);
    out.publicRoot = input.publicRoot;
  }
  const php = type === WebAppType.PHP;
  for (const [field, max] of [['timeout', PHP_MAX_TIMEOUT], ['processes', PHP_MAX_PROCESSES]] as const) {
    const value = input[field];
    if (value === null || value === undefined) continue;
    if (!php) v.add(`options.${field}`, 'only a PHP app has this option');
    else if (!Number.isSafeInteger(value) || value < 1 || value > max) v.add(`options.${field}`, `must be a whole number from 1 to ${max}`);
    out[field] = value;
  }
  if (input.phpIni && input.phpIni.length > 0) {
    if (!php) v.add('options.phpIni', 'only a PHP app has ini values');
    const ini: Record<string, string> = {};
    input.phpIni.forEach(({ name, value }, i) => {
      if (Object.hasOwn(ini, name)) v.add(`options.phpIni[${i}].name`, `${name} is set twice`);
      const problem = phpIniProblem(name, value, phpVersion ?? '0.0');
      if (php && problem) v.add(`options.phpIni[${i}]`, problem);
      ini[name] = value;
    });
    out.phpIni = ini;
  }
  if (type === WebAppType.SYMBOLIC_LINK) {
    if (!input.target) v.add('options.target', 'is required for a symbolic link app', UserErrorCode.REQUIRED);
    else {
      const problem = validateRelativePath(input.target);
      if (problem) v.add('options.target', problem);
      else if (input.target === 'webapps' || input.target.startsWith('webapps/')) v.add('options.target', 'must not be inside ~/webapps');
      out.target = input.target;
    }
  } else if (input.target) v.add('options.target', 'only a symbolic link app has a target');
  if (type === WebAppType.PROCESS) {
    if (!input.command) v.add('options.command', 'is required for a process app', UserErrorCode.REQUIRED);
    else {
      const problem = validateProcessCommand(input.command);
      if (problem) v.add('options.command', problem);
      out.command = input.command;
    }
    if (input.port === null || input.port === undefined) v.add('options.port', 'is required for a process app', UserErrorCode.REQUIRED);
    else {
      const problem = validateProcessPort(input.port);
      if (problem) v.add('options.port', problem);
      out.port = input.port;
    }
  } else {
    if (input.command) v.add('options.command', 'only a process app has a command');
    if (input.port !== null && input.port !== undefined) v.add('options.port', 'only a process app has a port');
  }
  return out;
}

/** Two process apps cannot listen on one port (the servers' loopback is shared by every account). */
export async function checkProcessPortFree(v: Validator, em: EntityManager, port: number | undefined, exceptId?: string): Promise<void> {
  if (port === undefined) return;
  const apps = await em.find(WebApp, { type: WebAppType.PROCESS }, { filters: false });
  if (apps.some((a) => a.id !== exceptId && a.options.port === port)) v.add('options.port', 'is already taken', UserErrorCode.TAKEN);
}
