/**
 * Backends without a host: snapshot validation, the script frame, cron field parsing, the registry, the golden
 * scripts (tests/golden/<backend>/<case>.sh; `UPDATE_GOLDEN=1` rewrites them, reviewers read the diff), and
 * shellcheck on every bash fragment and every golden script.
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { BackendError, SCRIPT_PRELUDE, SnapshotValidationError, type Backend } from '../src/orchestration/backends/backend.js';
import { crontabsBackend, renderCrontabLines } from '../src/orchestration/backends/crontabs/crontabs.backend.js';
import { parseCronField, validateCronCommand, validateCronDescription, cronEscapeCommand } from '../src/orchestration/backends/crontabs/cron.js';
import { backendsForModel, getBackend, listBackends, registerBackend } from '../src/orchestration/backends/registry.js';
import { systemUsersBackend, validateHome, validateNewUsername, validatePasswordHash, validateUsername, type SystemUserSource } from '../src/orchestration/backends/system-users/system-users.backend.js';
import type { OperationInput } from '../src/orchestration/types.js';
import { HASH_1, domain, user } from './support/backend-fixtures.js';
import { DATABASE_GOLDEN } from './support/database-golden-cases.js';
import { MAIL_GOLDEN } from './support/mail-golden-cases.js';
import { WEB_GOLDEN } from './support/web-golden-cases.js';
import { bind9MasterBackend } from '../src/orchestration/backends/bind9-master/bind9-master.backend.js';
import { bind9SlaveBackend } from '../src/orchestration/backends/bind9-slave/bind9-slave.backend.js';
import { GOLDEN_DIR, PRELUDE_FILE, goldenForm, goldenPrelude, readGoldenScript } from './support/golden.js';
import { shellcheckFragment, shellcheckScript } from './support/shellcheck.js';

const HASH_2 = '$6$rounds=5000$xy$lKopDccRwY1GmUB8TDfEyH2p7ZtKOz1LN0RvWte5K282TM.n4Rc2AejzWskbHg120u3xP1lKfwRRRlB.fa2Ei.';

function op(backend: Backend, operationId: string, action: string, objectId: string, source: unknown): OperationInput {
  return { operationId, action, model: backend.model, objectId, snapshot: backend.snapshot(source) as Record<string, unknown> };
}

function issuesOf(f: () => unknown): string[] {
  try {
    f();
  } catch (err) {
    if (err instanceof SnapshotValidationError) return err.issues.map((i) => i.field);
    throw err;
  }
  throw new Error('no validation error');
}

describe('system users: snapshots', () => {
  test('builds the snapshot: default home, effective activity, sorted groups', () => {
    const s = systemUsersBackend.snapshot(user({ groups: ['zed', 'bob', 'bob'], account: { username: 'alice', isActive: false, type: 'STAFF' } }));
    expect(s).toEqual({
      username: 'alice', passwordHash: HASH_1, home: '/home/alice', shell: '/bin/bash', groups: ['bob', 'zed'],
      isActive: false, isMain: true, overLimit: false, accountUsername: 'alice', accountType: 'STAFF',
    });
    // A stored snapshot parses back to itself.
    expect(systemUsersBackend.parseSnapshot(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  test.each([
    ['username', { username: "a'b" }],
    ['username', { username: 'root' }],
    ['username', { username: 'Alice' }],
    ['username', { username: '-rf' }],
    ['username', { username: 'a'.repeat(33) }],
    ['username', { username: 'al\nice' }],
    ['username', { username: '$(id)' }],
    ['passwordHash', { passwordHash: 'secret' }],
    ['passwordHash', { passwordHash: `${HASH_1}\n` }],
    ['passwordHash', { passwordHash: `!${HASH_1}` }],
    ['passwordHash', { passwordHash: "$6$a'b$" + 'x'.repeat(86) }],
    ['home', { home: '/' }],
    ['home', { home: '/etc' }],
    ['home', { home: '/home/' }],
    ['home', { home: '/home/alice/../../etc' }],
    ['home', { home: '/home/alice/' }],
    ['home', { home: '/home//alice' }],
    ['home', { home: '/home/al ice' }],
    ['home', { home: '/home/alice:x' }],
    ['home', { home: '/home/$(id)' }],
    ['home', { home: '/home/ali\nce' }],
    ['shell', { shell: '/bin/sh' as never }],
    ['shell', { shell: '/bin/bash; id' as never }],
    ['groups[0]', { groups: ['sudo'] }],
    ['groups[0]', { groups: ["x'y"] }],
    ['groups[0]', { groups: ['alice'] }],
  ])('rejects a bad %s: %j', (field, overrides) => {
    expect(issuesOf(() => systemUsersBackend.snapshot(user(overrides as Partial<SystemUserSource>)))).toContain(field);
  });

  test('lists every issue at once', () => {
    const fields = issuesOf(() => systemUsersBackend.snapshot({ username: 'Root', passwordHash: 'x', shell: 'zsh', isActive: 'yes', isMain: true, account: {} }));
    expect(fields).toEqual(expect.arrayContaining(['username', 'passwordHash', 'shell', 'isActive', 'account.isActive', 'account.username']));
  });

  test('validators for the API', () => {
    expect(validateUsername('alice-ftp.2')).toBeNull();
    expect(validateUsername('www-data')).toMatch(/reserved/);
    // A new name must not be one a server keeps for itself; a stored one that was allowed stays valid.
    for (const name of ['users', 'crontab', 'tty', 'systemd-journal', 'grafana', 'www']) expect(validateNewUsername(name)).toMatch(/reserved/);
    expect(validateUsername('grafana')).toBeNull();
    expect(validateNewUsername('www-data')).toMatch(/reserved/);
    expect(validateNewUsername('alice-ftp.2')).toBeNull();
    expect(validatePasswordHash(null)).toBeNull();
    expect(validatePasswordHash(HASH_2)).toBeNull();
    expect(validateHome('/home/alice/ftp')).toBeNull();
    expect(validateHome('/home/alice/.')).not.toBeNull();
  });
});

describe('the script frame', () => {
  test('an empty operation list renders nothing (NOTHING, not run)', () => {
    expect(systemUsersBackend.render([])).toBe('');
    expect(crontabsBackend.render([])).toBe('');
  });

  test('every script starts with the shebang and strict mode, and ends with the deferred exit code', () => {
    const script = systemUsersBackend.render([op(systemUsersBackend, 'op-1', 'save', '1', user())]);
    expect(script.split('\n').slice(0, 2)).toEqual(['#!/bin/bash', 'set -euo pipefail']);
    expect(script.endsWith('exit "$exit_code"\n')).toBe(true);
    expect(script).toContain('# ── operation op-1: save SystemUser 1 (alice) ─');
  });

  test('refuses another model, an unknown action and an invalid stored snapshot', () => {
    const good = op(systemUsersBackend, 'op-1', 'save', '1', user());
    expect(() => systemUsersBackend.render([{ ...good, model: 'Crontab' }])).toThrow(expect.objectContaining({ code: 'WRONG_MODEL' }));
    expect(() => systemUsersBackend.render([{ ...good, action: 'set_permission' }])).toThrow(expect.objectContaining({ code: 'UNKNOWN_ACTION' }));
    expect(() => systemUsersBackend.render([{ ...good, snapshot: { ...good.snapshot, username: "x'; rm -rf /; '" } }])).toThrow(SnapshotValidationError);
    expect(() => systemUsersBackend.render([{ ...good, snapshot: { ...good.snapshot, home: '/' } }])).toThrow(BackendError);
  });

  test('only the functions the group needs are defined', () => {
    const save = systemUsersBackend.render([op(systemUsersBackend, 'op-1', 'save', '1', user())]);
    expect(save).toContain('save_user() {');
    expect(save).not.toContain('delete_user() {');
    const del = systemUsersBackend.render([op(systemUsersBackend, 'op-1', 'delete', '1', user())]);
    expect(del).toContain('delete_user() {');
    expect(del).not.toContain('save_user() {');
    const install = crontabsBackend.render([op(crontabsBackend, 'op-1', 'save', '1', { systemUsername: 'alice', entries: [{ id: 1, command: 'date' }] })]);
    expect(install).toContain('install_crontab() {');
    expect(install).not.toContain('remove_crontab() {');
    const remove = crontabsBackend.render([op(crontabsBackend, 'op-1', 'delete', '1', { systemUsername: 'alice', entries: [{ id: 1, command: 'date' }] })]);
    expect(remove).toContain('remove_crontab() {');
    expect(remove).not.toContain('install_crontab() {');
  });
});

describe('cron fields', () => {
  test.each([
    ['minute', '*', '*'],
    ['minute', ' */5 ', '*/5'],
    ['minute', '0,15,30,45', '0,15,30,45'],
    ['minute', '0-59/15', '0-59/15'],
    ['hour', '1-5/2,23', '1-5/2,23'],
    ['dayOfMonth', '1,15,31', '1,15,31'],
    ['month', 'JAN-Mar', 'jan-mar'],
    ['month', 'jan,dec', 'jan,dec'],
    ['month', '*/3', '*/3'],
    ['dayOfWeek', 'mon-fri', 'mon-fri'],
    ['dayOfWeek', '0,7', '0,7'],
    ['dayOfWeek', 'mon-7', 'mon-7'],
  ] as const)('%s %j is valid (%j)', (kind, value, normalised) => {
    expect(parseCronField(kind, value)).toEqual({ ok: true, value: normalised });
  });

  test.each([
    ['minute', ''],
    ['minute', '60'],
    ['minute', '-1'],
    ['minute', '5/10'],
    ['minute', '*/0'],
    ['minute', '*/61'],
    ['minute', '1,,2'],
    ['minute', '1-2-3'],
    ['minute', '1/2/3'],
    ['minute', '10-5'],
    ['minute', '* *'],
    ['minute', '*\n* * * * touch /tmp/x'],
    ['minute', '$(id)'],
    ['minute', '007'],
    ['hour', '24'],
    ['dayOfMonth', '0'],
    ['dayOfMonth', '32'],
    ['dayOfMonth', 'mon'],
    ['month', '13'],
    ['month', 'january'],
    ['dayOfWeek', '8'],
    ['dayOfWeek', 'fri-mon'],
    ['dayOfWeek', '?'],
    ['dayOfWeek', '5L'],
    ['minute', '@daily'],
    ['minute', 'x'.repeat(65)],
  ] as const)('%s %j is rejected', (kind, value) => {
    const r = parseCronField(kind, value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).not.toMatch(/\n/);
  });

  test('commands and descriptions', () => {
    expect(validateCronCommand('php ~/cron.php > /dev/null 2>&1')).toBeNull();
    expect(validateCronCommand('date +%Y-%m-%d\t# tab ok')).toBeNull();
    expect(validateCronCommand('  ')).toMatch(/empty/);
    expect(validateCronCommand('a\nb')).toMatch(/single line/);
    expect(validateCronCommand('a\rb')).toMatch(/single line/);
    expect(validateCronCommand('a\0b')).toMatch(/control/);
    expect(validateCronCommand('x'.repeat(998))).toBeNull();
    expect(validateCronCommand('x'.repeat(999))).toMatch(/998 bytes/);
    expect(validateCronCommand('%'.repeat(500))).toMatch(/998 bytes/);
    expect(validateCronCommand('\\'.repeat(500))).toMatch(/998 bytes/);
    expect(validateCronCommand('*')).toMatch(/must not start with "\*"/);
    expect(validateCronCommand('*/5 x')).toMatch(/must not start with "\*"/);
    expect(validateCronCommand('x *')).toBeNull();
    expect(validateCronDescription('Sauvegarde — 日本 🔑')).toBeNull();
    expect(validateCronDescription('a\nb')).toMatch(/single line/);
    expect(cronEscapeCommand('date +%F 100%')).toBe('date +\\%F 100\\%');
    expect(cronEscapeCommand(String.raw`a\b \% \\`)).toBe(String.raw`a\\b \\\% \\\\`);
  });

  test('crontab snapshots: defaults, ordering by id, every issue listed', () => {
    const s = crontabsBackend.snapshot({
      systemUsername: 'alice',
      entries: [{ id: 10, command: ' b ' }, { id: '9', minute: '5', command: 'a', description: ' first ' }],
    });
    expect(s).toEqual({
      systemUsername: 'alice',
      isActive: true,
      entries: [
        { id: '9', minute: '5', hour: '*', dayOfMonth: '*', month: '*', dayOfWeek: '*', command: 'a', description: 'first' },
        { id: '10', minute: '*', hour: '*', dayOfMonth: '*', month: '*', dayOfWeek: '*', command: 'b', description: '' },
      ],
    });
    expect(crontabsBackend.parseSnapshot(JSON.parse(JSON.stringify(s)))).toEqual(s);
    const fields = issuesOf(() =>
      crontabsBackend.snapshot({
        systemUsername: 'root',
        entries: [{ id: 1, minute: '61', command: 'x\ntouch /tmp/x', description: 'a\nb' }, { id: 1, command: 'y' }, 'nope'],
      }),
    );
    expect(fields).toEqual(['systemUsername', 'entries[0].minute', 'entries[0].command', 'entries[0].description', 'entries[1].id', 'entries[2]']);
  });

  test('disabled crontabs keep their entries as comments', () => {
    const s = crontabsBackend.snapshot({ systemUsername: 'alice', isActive: false, entries: [{ id: 1, command: 'date +%F' }] });
    expect(renderCrontabLines(s).slice(-2)).toEqual(['# entry 1', '#* * * * * date +\\%F']);
  });
});

describe('registry', () => {
  test('finds backends by name and model; names are unique', () => {
    expect(getBackend('system-users')).toBe(systemUsersBackend);
    expect(getBackend('crontabs')).toBe(crontabsBackend);
    expect(backendsForModel('Crontab')).toEqual([crontabsBackend]);
    expect(listBackends().map((b) => b.name)).toEqual(expect.arrayContaining(['system-users', 'crontabs']));
    expect(() => getBackend('nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_BACKEND' }));
    expect(() => registerBackend(systemUsersBackend)).toThrow(expect.objectContaining({ code: 'DUPLICATE_BACKEND' }));
  });

  test('declarations', () => {
    for (const b of listBackends()) {
      expect(b.actions).toEqual(expect.arrayContaining(['save', 'delete']));
      expect(b.timeoutMs).toBeGreaterThan(0);
      expect(b.matchFields.length).toBeGreaterThan(0);
      expect(Object.isFrozen(b)).toBe(true);
    }
  });
});

// ── golden scripts ─────────────────────────────────────────────────────────────────────────────────────────────

const crontabAlice = {
  systemUsername: 'alice',
  entries: [
    { id: 3, minute: '30', hour: '2', command: '/usr/local/bin/backup --all > /dev/null 2>&1', description: 'Nightly backup' },
    { id: 7, minute: '*/5', dayOfWeek: 'mon-fri', command: 'php ~/web/cron.php', description: 'Application cron' },
  ],
};

const hostileTxt = `"; touch /tmp/canary; echo " $(touch /tmp/canary) \`id\` \\ 'q' ü日🔑 ${'x'.repeat(300)}`;

const GOLDEN: Record<string, Record<string, () => OperationInput[]>> = {
  'system-users': {
    save: () => [op(systemUsersBackend, 'op-101', 'save', '42', user({ groups: ['alice-ftp'] }))],
    // Over its disk allocation (resource limit actions): no login shell, whatever its shell is.
    limited: () => [op(systemUsersBackend, 'op-103', 'save', '42', user({ overLimit: true }))],
    delete: () => [op(systemUsersBackend, 'op-102', 'delete', '43', user({ username: 'alice-ftp', isMain: false, shell: '/dev/null' }))],
    // An account's main user, a new FTP-only user disabled with its account, and a removed SFTP user.
    multi: () => [
      op(systemUsersBackend, 'op-201', 'save', '42', user({ groups: ['alice-ftp'] })),
      op(systemUsersBackend, 'op-202', 'save', '43', user({
        username: 'alice-ftp', passwordHash: HASH_2, shell: '/dev/null', home: '/home/alice-ftp', isMain: false,
        account: { username: 'alice', isActive: false, type: 'INDIVIDUAL' },
      })),
      op(systemUsersBackend, 'op-203', 'delete', '44', user({ username: 'alice-sftp', passwordHash: null, shell: '/bin/rssh', isMain: false })),
    ],
    // Hostile text can only reach comments here (every value is validated): ids with newlines and $(…).
    hostile: () => [
      { ...op(systemUsersBackend, "op-'1'\n$(touch /tmp/canary)", 'save', '42`id`\nrm -rf /', user({ passwordHash: null })) },
    ],
  },
  crontabs: {
    save: () => [op(crontabsBackend, 'op-301', 'save', '7', crontabAlice)],
    // The last entry is deleted: the snapshot still lists it (taken before the row went), and no entry remains.
    delete: () => [op(crontabsBackend, 'op-302', 'delete', '3', { systemUsername: 'alice', entries: [crontabAlice.entries[0]] })],
    // Two operations on alice's crontab (the first is superseded, the deleted entry is dropped) and bob's,
    // disabled with his account.
    multi: () => [
      op(crontabsBackend, 'op-401', 'save', '7', crontabAlice),
      op(crontabsBackend, 'op-402', 'delete', '3', crontabAlice),
      op(crontabsBackend, 'op-403', 'save', '9', { systemUsername: 'bob', isActive: false, entries: [{ id: 9, hour: '4', minute: '0', command: 'date +%F >> ~/ran' }] }),
    ],
    hostile: () => [
      op(crontabsBackend, 'op-501', 'save', '11', {
        systemUsername: 'alice',
        entries: [
          {
            id: 11,
            command: `echo "it's $(id)" \`whoami\` '; touch /tmp/canary; ' 100% \\% $HOME ü日🔑`,
            description: `$(touch /tmp/canary) \`id\` 'quoted' "double" — ünïcødé 🔑`,
          },
        ],
      }),
    ],
  },
  'bind9-master': {
    save: () => [op(bind9MasterBackend, 'op-601', 'save', '1', domain())],
    delete: () => [op(bind9MasterBackend, 'op-602', 'delete', '1', domain())],
    // A new zone without slaves, a former top domain that is now a subdomain of it, and a deleted zone.
    multi: () => [
      op(bind9MasterBackend, 'op-701', 'save', '1', domain({ slaves: [] })),
      op(bind9MasterBackend, 'op-702', 'save', '2', { ...domain(), name: 'shop.example.com', top: 'example.com', zone: null }),
      op(bind9MasterBackend, 'op-703', 'delete', '3', domain({ name: 'example.org', zone: { ...domain().zone!, records: [] } })),
    ],
    // TXT and CAA carry free text: it reaches the zone file escaped, and the script quoted.
    hostile: () => [
      op(bind9MasterBackend, "op-'1'\n$(touch /tmp/canary)", 'save', '1', domain({
        zone: { ...domain().zone!, records: [
          ...domain().zone!.records,
          { name: 'example.com', type: 'TXT', ttl: null, value: hostileTxt, id: '10' },
          { name: 'example.com', type: 'CAA', ttl: null, value: `0 iodef "mailto:a'b$(id)\\"@example.com"`, id: '11' },
        ] },
      })),
    ],
  },
  'bind9-slave': {
    save: () => [op(bind9SlaveBackend, 'op-801', 'save', '1', domain())],
    delete: () => [op(bind9SlaveBackend, 'op-802', 'delete', '1', domain())],
    multi: () => [
      op(bind9SlaveBackend, 'op-901', 'save', '1', domain({ masters: ['192.0.2.1', 'ns0.example.net'] })),
      op(bind9SlaveBackend, 'op-902', 'save', '2', { ...domain(), name: 'shop.example.com', top: 'example.com', zone: null }),
      op(bind9SlaveBackend, 'op-903', 'save', '4', domain({ name: 'example.net', masters: [] })),
    ],
    hostile: () => [op(bind9SlaveBackend, "op-'1'\n$(touch /tmp/canary)", 'delete', '1`id`', domain())],
  },
  ...DATABASE_GOLDEN,
  ...MAIL_GOLDEN,
  ...WEB_GOLDEN,
};

/** Compares with a golden file, or writes it (UPDATE_GOLDEN=1, or a new case). */
function expectGolden(file: string, text: string): void {
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  expect(text).toBe(readFileSync(file, 'utf8'));
}

const goldenCases = Object.entries(GOLDEN).flatMap(([backend, byCase]) => Object.keys(byCase).map((name) => [backend, name] as const));
const renderGolden = (backendName: string, name: string) => getBackend(backendName).render(GOLDEN[backendName]![name]!());

describe('golden scripts', () => {
  test('every backend action has a golden file', () => {
    for (const b of listBackends()) {
      for (const action of b.actions) expect(Object.keys(GOLDEN[b.name] ?? {})).toContain(action);
    }
  });

  test('prelude.sh: the common prelude', () => {
    expectGolden(PRELUDE_FILE, goldenPrelude());
  });

  test.each(goldenCases)('%s/%s.sh', (backendName, name) => {
    const script = renderGolden(backendName, name);
    const golden = goldenForm(script);
    expect(golden).not.toBeNull(); // the prelude follows the first three lines
    expectGolden(join(GOLDEN_DIR, backendName, `${name}.sh`), golden!);
    // The golden file with its marker read as the prelude file is the whole script.
    expect(readGoldenScript(`${backendName}/${name}.sh`)).toBe(script);
    // Valid bash, and clean for shellcheck as a whole script (tests/support/shellcheck.ts).
    const syntax = spawnSync('bash', ['-n'], { input: script });
    expect(syntax.stderr.toString()).toBe('');
    expect(syntax.status).toBe(0);
    expect(shellcheckScript(script)).toEqual({ status: 0, findings: '' });
  });
});

// ── bash fragments ─────────────────────────────────────────────────────────────────────────────────────────────

const BACKENDS_DIR = join(import.meta.dirname, '../src/orchestration/backends');
const fragments = readdirSync(BACKENDS_DIR, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.sh'))
  .sort();

describe('bash fragments', () => {
  test('every fragment is in some golden script, so it is also checked as part of a whole script', () => {
    expect(fragments).toEqual(expect.arrayContaining(['prelude.sh', 'system-users/save.sh', 'crontabs/install.sh']));
    const scripts = goldenCases.map(([backend, name]) => renderGolden(backend, name));
    const unused = fragments.filter((file) => {
      const code = readFileSync(join(BACKENDS_DIR, file), 'utf8').replace(/\n+$/, '');
      return !scripts.some((script) => script.includes(code));
    });
    expect(unused).toEqual([]);
  });

  test.each(fragments)('shellcheck %s', (file) => {
    expect(shellcheckFragment(relative(process.cwd(), join(BACKENDS_DIR, file)))).toEqual({ status: 0, findings: '' });
  });

  test('backends read their fragments beside their module, from any working directory', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'orchestra-cwd-'));
    try {
      const root = join(import.meta.dirname, '..');
      const program = `
        const { getBackend } = await import(${JSON.stringify(join(root, 'src/orchestration/backends/registry.ts'))});
        const b = getBackend('crontabs');
        const snapshot = b.snapshot({ systemUsername: 'alice', entries: [{ id: 1, command: 'date' }] });
        process.stdout.write(b.render([{ operationId: '1', action: 'save', model: 'Crontab', objectId: '1', snapshot }]));`;
      const result = spawnSync(process.execPath, ['--import', join(root, 'scripts/register.js'), '--input-type=module', '-e', program], {
        cwd: elsewhere,
        // swc reads the project's tsconfig from the working directory unless told where it is.
        env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json') },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain(SCRIPT_PRELUDE.text);
      expect(result.stdout).toContain('install_crontab() {');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
