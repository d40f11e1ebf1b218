/**
 * What a PHP web app may set (django-orchestra's PHP app options, inventory §2.7, rebuilt as a policy): a closed
 * list of ini directives, each with the PHP versions that still know it, values of plain characters, and the
 * functions every pool disables.
 *
 * Decisions:
 * - Directives outside the list are refused (open_basedir, extension, sendmail_path… would lift the isolation).
 * - `disable_functions` only ADDS to the ones always disabled (a panel user never enables `exec`).
 * - A directive a version removed is refused for that version (per-version deprecations): the pool would not start.
 */

/** Functions disabled in every pool: they run programs outside PHP. */
export const ALWAYS_DISABLED_FUNCTIONS = ['exec', 'passthru', 'shell_exec', 'system', 'proc_open', 'popen', 'pcntl_exec'] as const;

/** The directives a web app may set, with the first PHP version that no longer has it (if any). */
const DIRECTIVES: Record<string, { removedIn?: string }> = {
  'memory_limit': {},
  'upload_max_filesize': {},
  'post_max_size': {},
  'max_input_vars': {},
  'max_input_time': {},
  'display_errors': {},
  'log_errors': {},
  'error_reporting': {},
  'date.timezone': {},
  'default_charset': {},
  'session.gc_maxlifetime': {},
  'allow_url_fopen': {},
  'short_open_tag': {},
  'output_buffering': {},
  'disable_functions': {},
  'magic_quotes_gpc': { removedIn: '5.4' },
  'register_globals': { removedIn: '5.4' },
  'safe_mode': { removedIn: '5.4' },
  'track_errors': { removedIn: '8.0' },
  'allow_url_include': { removedIn: '8.0' },
};

export const PHP_INI_DIRECTIVES: readonly string[] = Object.keys(DIRECTIVES);

const VALUE = /^[A-Za-z0-9._,:/+~& -]{0,200}$/;
const VERSION = /^[5-9]\.[0-9]$/;

/** `8.2` < `8.10` is not a concern: PHP minor versions stay below 10. */
function atLeast(version: string, than: string): boolean {
  return Number(version) >= Number(than);
}

export function validatePhpVersion(version: string): string | null {
  return VERSION.test(version) ? null : 'must be a PHP version such as 8.2';
}

/** Why `name = value` is refused for `version`, or null. */
export function phpIniProblem(name: string, value: string, version: string): string | null {
  const directive = Object.hasOwn(DIRECTIVES, name) ? DIRECTIVES[name] : undefined;
  if (!directive) return `${JSON.stringify(name.slice(0, 64))} is not a directive a web app may set (${PHP_INI_DIRECTIVES.filter((d) => !DIRECTIVES[d]!.removedIn).join(', ')})`;
  if (directive.removedIn && atLeast(version, directive.removedIn)) return `${name} was removed in PHP ${directive.removedIn}`;
  if (!VALUE.test(value) || value.trim() !== value) return `${name}: a value of at most 200 letters, digits, spaces and . _ , : / + ~ & - (no quotes, "$", ";", line breaks)`;
  if (name === 'disable_functions' && !value.split(',').every((f) => /^[a-z_][a-z0-9_]*$/.test(f.trim()))) return 'disable_functions: a comma-separated list of function names';
  return null;
}

/** The disable_functions a pool gets: the ones always disabled, then the app's own. */
export function disabledFunctions(extra: string | undefined): string {
  const own = (extra ?? '').split(',').map((f) => f.trim()).filter(Boolean);
  return [...new Set([...ALWAYS_DISABLED_FUNCTIONS, ...own])].join(',');
}
