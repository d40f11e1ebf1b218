/**
 * What web apps get from configuration, read from the environment like the mail settings (./mail-settings.ts).
 *
 * | variable | default |
 * | ORCHESTRA_PHP_VERSIONS | `8.2`: the PHP versions (comma-separated) a PHP web app may choose; the first is the default |
 */
import { validatePhpVersion } from '../orchestration/backends/webapps/php-options.js';

export interface WebSettings {
  phpVersions: string[];
}

type Env = Record<string, string | undefined>;

export function readWebSettings(env: Env): { settings: WebSettings; problems: string[] } {
  const raw = env.ORCHESTRA_PHP_VERSIONS;
  if (!raw) return { settings: { phpVersions: ['8.2'] }, problems: [] };
  const versions = raw.split(',').map((v) => v.trim()).filter(Boolean);
  const bad = versions.filter((v) => validatePhpVersion(v) !== null);
  if (versions.length === 0 || bad.length) return { settings: { phpVersions: ['8.2'] }, problems: [`ORCHESTRA_PHP_VERSIONS must be PHP versions such as 8.2,8.3, got "${raw}"`] };
  return { settings: { phpVersions: [...new Set(versions)] }, problems: [] };
}

let current: WebSettings | undefined;

export function webSettings(): WebSettings {
  current ??= readWebSettings(process.env).settings;
  return current;
}

/** For tests: settings to use instead of the environment's (undefined: read the environment again). */
export function setWebSettings(settings: WebSettings | undefined): void {
  current = settings;
}
