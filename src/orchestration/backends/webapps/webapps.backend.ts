/**
 * Web apps (django-orchestra's webapps backends, inventory §2.7 and §4 rows PHP, SymbolicLink, Static): the app's
 * directory `<home>/webapps/<name>` of the account's main system user and, for PHP, its own PHP-FPM pool.
 *
 * Decisions:
 * - Everything runs as the account's main user: the directory is theirs (mode 0750, group theirs), and the web
 *   server's user (`www-data`) joins their group so that nginx or Apache can read what they publish; another
 *   account's PHP runs as another user, outside that group, and cannot read it (homes are 0750).
 * - One pool per PHP app (`/etc/php/<version>/fpm/pool.d/orchestra-webapp-<id>.conf`, socket
 *   `/run/php/orchestra-webapp-<id>-php<version>.sock`: one per version, because on a version switch both masters
 *   reload at their own pace, and the old one removing a shared socket path removed the new pool's socket), `pm = ondemand`, limits from the options, `open_basedir` the home,
 *   the always-disabled functions (./php-options.ts). The candidate pool is checked by `php-fpm<version> -t` on its
 *   own before it replaces the live one; refused, the live pool stays and the run is FAILURE with FPM's message.
 *   Another version's pool of the same app is removed (a version switch), and each changed version reloads ONCE in
 *   the commit. The reload is pending as a marker file until it succeeded, so a failed run's reload is not lost.
 * - Reload: `systemctl reload php<version>-fpm` where systemd runs it, else SIGUSR2 to the master of its pid file
 *   (servers without systemd, the tests).
 * - Symbolic link apps: the app's directory is a link to a directory of the home (created when missing).
 * - Process apps (a Node or Python server): a supervisor program `orchestra-webapp-<id>` (./supervisor.sh) running
 *   the app's command with bash, as the account's main user, in the app's directory, PORT in its environment;
 *   restarted when it exits, stopped while the account is disabled, removed with the app. The command reaches the
 *   server as one quoted argument, which the script writes `%q`-quoted into a root-owned start script; the program
 *   file holds only checked names, paths and numbers.
 * - Delete: the pool goes, then the app's directory (a link only loses the link).
 * - Paths are re-checked on the server: the home under /home with no symbolic link on the way, the app's directory
 *   no link (the user owns the home and could have replaced it).
 */
import { defineBackend, type TypedOperation } from '../backend.js';
import { ShellCode, joinShell, sh, shComment } from '../../shell/quote.js';
import { bashFragment } from '../../shell/fragment.js';
import { IssueList, isPlainObject, own } from '../validation.js';
import { validateHome, validateUsername } from '../system-users/system-users.backend.js';
import { validateProcessCommand, validateProcessPort, validateRelativePath, validateWebName } from '../web/web-values.js';
import { createHash } from 'node:crypto';
import { disabledFunctions, phpIniProblem, validatePhpVersion } from './php-options.js';

export const WEBAPP_TYPES = ['STATIC', 'PHP', 'SYMBOLIC_LINK', 'PROCESS'] as const;
export type WebAppTypeName = (typeof WEBAPP_TYPES)[number];

/** The web server's user, which joins each app owner's group to read what they publish. */
export const WEB_SERVER_USER = 'www-data';

export const PHP_DEFAULT_TIMEOUT = 30;
export const PHP_DEFAULT_PROCESSES = 4;
export const PHP_MAX_TIMEOUT = 3600;
export const PHP_MAX_PROCESSES = 64;

export interface WebAppSource {
  id: string;
  name: string;
  type: WebAppTypeName;
  /** The account's main system user, who owns and runs the app. */
  username: string;
  home: string;
  phpVersion: string | null;
  publicRoot: string | null;
  timeout: number | null;
  processes: number | null;
  phpIni: Record<string, string>;
  target: string | null;
  command: string | null;
  port: number | null;
  accountUsername: string;
  accountType?: string | null;
  /** A disabled account's process apps do not run. */
  accountIsActive: boolean;
}

export interface WebAppSnapshot {
  id: string;
  name: string;
  type: WebAppTypeName;
  username: string;
  home: string;
  phpVersion: string | null;
  publicRoot: string | null;
  timeout: number;
  processes: number;
  /** Sorted by name, so the pool file is stable. */
  phpIni: [string, string][];
  target: string | null;
  /** PROCESS: its start command and loopback port. */
  command: string | null;
  port: number | null;
  accountUsername: string;
  accountType: string | null;
  accountIsActive: boolean;
}

/** The directory of an app on its servers. */
export function webAppDir(s: Pick<WebAppSnapshot, 'home' | 'name'>): string {
  return `${s.home}/webapps/${s.name}`;
}

/** The directory a website serves for an app: its public root inside its directory. */
export function webAppDocumentRoot(s: Pick<WebAppSnapshot, 'home' | 'name' | 'publicRoot'>): string {
  return s.publicRoot ? `${webAppDir(s)}/${s.publicRoot}` : webAppDir(s);
}

/** The FastCGI socket of a PHP app's pool of that version. */
export function phpSocket(appId: string, version: string): string {
  return `/run/php/orchestra-webapp-${appId}-php${version}.sock`;
}

function number(issues: IssueList, obj: Record<string, unknown>, field: string, fallback: number, max: number): number {
  const v = own(obj, field) ?? null;
  if (v === null) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > max) {
    issues.add(field, `must be a whole number from 1 to ${max}`);
    return fallback;
  }
  return v;
}

function validate(raw: unknown): WebAppSnapshot {
  const issues = new IssueList();
  const obj = issues.object(raw, webappsBackend.name);
  const id = issues.id(obj, 'id');
  const name = issues.string(obj, 'name');
  if (name) issues.check('name', validateWebName(name));
  const type = own(obj, 'type') as WebAppTypeName;
  if (!WEBAPP_TYPES.includes(type)) issues.add('type', `must be one of ${WEBAPP_TYPES.join(', ')}`);
  const username = issues.string(obj, 'username');
  if (username) issues.check('username', validateUsername(username));
  const home = issues.string(obj, 'home');
  if (home) issues.check('home', validateHome(home));
  const phpVersion = (own(obj, 'phpVersion') ?? null) as string | null;
  if (type === 'PHP') {
    if (typeof phpVersion !== 'string') issues.add('phpVersion', 'is required for a PHP app');
    else issues.check('phpVersion', validatePhpVersion(phpVersion));
  } else if (phpVersion !== null) issues.add('phpVersion', 'only a PHP app has a PHP version');
  const publicRoot = (own(obj, 'publicRoot') ?? null) as string | null;
  if (publicRoot !== null && (typeof publicRoot !== 'string' || !issues.check('publicRoot', validateRelativePath(publicRoot)))) {
    if (typeof publicRoot !== 'string') issues.add('publicRoot', 'must be a string or null');
  }
  const timeout = number(issues, obj, 'timeout', PHP_DEFAULT_TIMEOUT, PHP_MAX_TIMEOUT);
  const processes = number(issues, obj, 'processes', PHP_DEFAULT_PROCESSES, PHP_MAX_PROCESSES);
  const rawIni = own(obj, 'phpIni') ?? {};
  const phpIni: [string, string][] = [];
  const entries = isPlainObject(rawIni) ? Object.entries(rawIni) : Array.isArray(rawIni) ? (rawIni as unknown[]) : null;
  if (entries === null) issues.add('phpIni', 'must be an object of directive names to values');
  else {
    for (const entry of entries) {
      const [key, value] = Array.isArray(entry) ? entry : [undefined, undefined];
      if (typeof key !== 'string' || typeof value !== 'string') {
        issues.add('phpIni', 'must map directive names to text values');
        continue;
      }
      if (type !== 'PHP') issues.add('phpIni', 'only a PHP app has ini values');
      else if (typeof phpVersion === 'string') issues.check(`phpIni.${key.slice(0, 64)}`, phpIniProblem(key, value, phpVersion));
      phpIni.push([key, value]);
    }
  }
  phpIni.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const target = (own(obj, 'target') ?? null) as string | null;
  if (type === 'SYMBOLIC_LINK') {
    if (typeof target !== 'string') issues.add('target', 'is required for a symbolic link app');
    else if (issues.check('target', validateRelativePath(target)) && (target === 'webapps' || target.startsWith('webapps/'))) {
      issues.add('target', 'must not be inside ~/webapps');
    }
  } else if (target !== null) issues.add('target', 'only a symbolic link app has a target');
  const command = (own(obj, 'command') ?? null) as string | null;
  const port = (own(obj, 'port') ?? null) as number | null;
  if (type === 'PROCESS') {
    if (typeof command !== 'string') issues.add('command', 'is required for a process app');
    else issues.check('command', validateProcessCommand(command));
    issues.check('port', validateProcessPort(port));
  } else {
    if (command !== null) issues.add('command', 'only a process app has a command');
    if (port !== null) issues.add('port', 'only a process app has a port');
  }
  const accountUsername = issues.string(obj, 'accountUsername');
  const accountType = own(obj, 'accountType');
  const accountIsActive = issues.boolean(obj, 'accountIsActive');
  issues.throwIfAny(webappsBackend.name);
  return {
    id, name, type, username, home, phpVersion: type === 'PHP' ? phpVersion : null, publicRoot, timeout, processes, phpIni, target, command, port,
    accountUsername, accountType: typeof accountType === 'string' ? accountType : null, accountIsActive,
  };
}

/** The pool file of a PHP app: every value was validated to plain characters (./php-options.ts, ../web/). */
export function renderPhpPool(s: WebAppSnapshot): string {
  const ini = new Map(s.phpIni);
  const lines = [
    `; PHP-FPM pool of the web app ${s.name} of ${s.username}, managed by Orchestra: changes here are overwritten.`,
    `[webapp-${s.id}]`,
    `user = ${s.username}`,
    `group = ${s.username}`,
    `listen = ${phpSocket(s.id, s.phpVersion!)}`,
    `listen.owner = ${WEB_SERVER_USER}`,
    `listen.group = ${WEB_SERVER_USER}`,
    'listen.mode = 0660',
    'pm = ondemand',
    `pm.max_children = ${s.processes}`,
    'pm.process_idle_timeout = 30s',
    `request_terminate_timeout = ${s.timeout}s`,
    `chdir = ${webAppDir(s)}`,
    `php_admin_value[open_basedir] = ${s.home}/:/tmp/`,
    `php_admin_value[max_execution_time] = ${s.timeout}`,
    `php_admin_value[disable_functions] = ${disabledFunctions(ini.get('disable_functions'))}`,
    ...[...ini].filter(([k]) => k !== 'disable_functions').map(([k, v]) => `php_admin_value[${k}] = ${v}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** A process app's supervisor program: names and paths checked to plain characters (no `%`, quote or white space). */
export function renderProcessProgram(s: WebAppSnapshot): string {
  const digest = createHash('sha256').update(s.command ?? '').digest('hex').slice(0, 16);
  return [
    `; Web app ${s.name} of ${s.username}, managed by Orchestra: changes here are overwritten.`,
    `[program:orchestra-webapp-${s.id}]`,
    `command=/etc/orchestra/webapps/webapp-${s.id}.sh`,
    `directory=${webAppDir(s)}`,
    `user=${s.username}`,
    `environment=HOME="${s.home}",USER="${s.username}",PORT="${s.port}",ORCHESTRA_START="${digest}"`,
    // A disabled account's program is stopped by the update and not started again.
    `autostart=${s.accountIsActive}`,
    'autorestart=true',
    'startsecs=1',
    'startretries=10',
    'stopasgroup=true',
    'killasgroup=true',
    'redirect_stderr=true',
    `stdout_logfile=/var/log/orchestra/webapps/webapp-${s.id}.log`,
    'stdout_logfile_maxbytes=10MB',
    'stdout_logfile_backups=3',
  ].join('\n');
}

const HOME_PATH = bashFragment(new URL('../system-users/home-path.sh', import.meta.url));
const WEBAPP_HOME = bashFragment(new URL('./webapp-home.sh', import.meta.url));
const WEBAPP_DIR = bashFragment(new URL('./webapp-dir.sh', import.meta.url));
const WEBAPP_LINK = bashFragment(new URL('./webapp-link.sh', import.meta.url));
const WEBAPP_REMOVE = bashFragment(new URL('./webapp-remove.sh', import.meta.url));
const PHP_FPM = bashFragment(new URL('./php-fpm.sh', import.meta.url));
const PHP_POOL_SAVE = bashFragment(new URL('./php-pool-save.sh', import.meta.url));
const SUPERVISOR = bashFragment(new URL('./supervisor.sh', import.meta.url));
const WEBAPP_PROCESS = bashFragment(new URL('./webapp-process.sh', import.meta.url));

/** Only the functions the sections call: shellcheck flags a function no one calls as dead code. */
function fragments(operations: readonly TypedOperation<WebAppSnapshot>[]): ShellCode[] {
  const saves = operations.filter((op) => op.action === 'save').map((op) => op.snapshot.type);
  const deletes = operations.some((op) => op.action === 'delete');
  const processes = operations.some((op) => op.snapshot.type === 'PROCESS');
  const when = (used: boolean, code: ShellCode) => (used ? code : ShellCode.empty);
  return [
    HOME_PATH,
    when(saves.length > 0, WEBAPP_HOME),
    when(saves.some((t) => t !== 'SYMBOLIC_LINK'), WEBAPP_DIR),
    when(saves.includes('SYMBOLIC_LINK'), WEBAPP_LINK),
    when(deletes, WEBAPP_REMOVE),
    // Every save and delete clears other versions' pools of the app.
    PHP_FPM,
    when(saves.includes('PHP'), PHP_POOL_SAVE),
    // Every run does an update left pending by a failed one.
    SUPERVISOR,
    when(processes, WEBAPP_PROCESS),
  ];
}

export const webappsBackend = defineBackend<WebAppSnapshot>({
  name: 'webapps',
  description: "Web apps: the app's directory in its owner's home; for PHP its own PHP-FPM pool (checked with php-fpm -t, reloaded once per version); for a process a supervisor program.",
  model: 'WebApp',
  ignoredFields: ['createdAt', 'updatedAt'],
  actions: ['save', 'delete'],
  timeoutMs: 2 * 60_000,
  matchFields: ['webapp.name', 'webapp.type', 'webapp.phpVersion', 'account.username', 'account.type'],
  snapshot: validate,
  parseSnapshot: validate,
  matchContext: (s) => ({ webapp: { name: s.name, type: s.type, phpVersion: s.phpVersion }, account: { username: s.accountUsername, type: s.accountType } }),
  label: (s) => `${s.username}/${s.name}`,
  prepare(operations) {
    return joinShell([...fragments(operations).filter((f) => f.text !== ''), ShellCode.trusted('php_begin')], '\n\n');
  },
  section(op) {
    const s = op.snapshot;
    if (op.action === 'delete') {
      return joinShell([
        sh`php_pool_remove ${s.id} ''`,
        ...(s.type === 'PROCESS' ? [sh`process_remove ${s.id}`] : []),
        sh`webapp_remove ${[s.username, s.home, s.name]}`,
      ]);
    }
    const parts = [
      s.type === 'SYMBOLIC_LINK' ? sh`webapp_link ${[s.username, s.home, s.name, s.target!]}` : sh`webapp_dir ${[s.username, s.home, s.name]}`,
    ];
    if (s.type === 'PHP') parts.push(sh`php_pool_save ${[s.id, s.phpVersion!, renderPhpPool(s)]}`);
    if (s.type === 'PROCESS') parts.push(sh`process_save ${[s.id, renderProcessProgram(s), s.command!]}`);
    parts.push(sh`php_pool_remove ${s.id} ${s.type === 'PHP' ? s.phpVersion! : ''}`);
    return joinShell(parts);
  },
  commit() {
    return joinShell([
      shComment('One reload per PHP version whose pools changed (now or in a failed run before).'),
      ShellCode.trusted('php_reload_pending'),
      shComment('One supervisor update if a process app\'s program changed (now or in a failed run before).'),
      ShellCode.trusted('supervisor_update_pending'),
    ]);
  },
});
