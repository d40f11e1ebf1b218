/**
 * The real effect of the rendered scripts on a host: each test group gets a HostSandbox (its own /etc, /home,
 * /var/spool/cron, /var/mail, /root) where the scripts run as root, like Orchestra runs them over SSH.
 * Every script is run twice: the second run must change nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { SnapshotValidationError, type Backend } from '../src/orchestration/backends/backend.js';
import { crontabsBackend, renderCrontabLines, type CrontabSource } from '../src/orchestration/backends/crontabs/crontabs.backend.js';
import { systemUsersBackend, type SystemUserSource } from '../src/orchestration/backends/system-users/system-users.backend.js';
import { sh } from '../src/orchestration/shell/quote.js';
import type { OperationInput } from '../src/orchestration/types.js';
import { HASH_1, user } from './support/backend-fixtures.js';
import { readGoldenScript } from './support/golden.js';
import { HostSandbox } from './support/host-sandbox.js';

const HASH_2 = '$6$saltsalt$dmOXgyK.qtibDGWgIxn474oROzEd0.sHGBkp18HbTmTQ/1r5jyn9w9mJRu17.oKgWTiAcMX2hpxjMprTwJbnr0';

let counter = 0;
function op(backend: Backend, action: string, source: unknown, objectId = '1'): OperationInput {
  return { operationId: `op-${++counter}`, action, model: backend.model, objectId, snapshot: backend.snapshot(source) as Record<string, unknown> };
}

/** Everything a script of these backends may change, to compare before and after a second run. */
const STATE = String.raw`
for f in /etc/passwd /etc/shadow /etc/group /etc/gshadow; do echo "== $f"; cat "$f"; done
echo "== homes"; find /home -maxdepth 2 -printf '%p %u:%g %m %T@\n' | sort
echo "== crontabs"; find /var/spool/cron/crontabs -type f -printf '%p %u %m %T@\n' 2>/dev/null | sort
for f in /var/spool/cron/crontabs/*; do [ -f "$f" ] && { echo "== $f"; cat "$f"; }; done
echo "== mail"; ls -la /var/mail
`;

async function state(h: HostSandbox): Promise<string> {
  const r = await h.bash(STATE);
  return r.stdout;
}

async function sh1(h: HostSandbox, script: string): Promise<string> {
  const r = await h.bash(script);
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r.stdout.trim();
}

/** Renders and runs the script twice; the second run must leave the host exactly as the first left it. */
async function apply(h: HostSandbox, backend: Backend, ops: OperationInput[]): Promise<{ first: string; second: string }> {
  const script = backend.render(ops);
  const r1 = await h.bash(script);
  if (r1.code !== 0) throw new Error(`first run: exit ${r1.code}\n${r1.stderr}\n${r1.stdout}\n${script}`);
  const before = await state(h);
  const r2 = await h.bash(script);
  if (r2.code !== 0) throw new Error(`second run: exit ${r2.code}\n${r2.stderr}\n${r2.stdout}`);
  expect(await state(h)).toBe(before);
  return { first: r1.stdout, second: r2.stdout };
}

async function failing(h: HostSandbox, script: string): Promise<{ code: number | null; stderr: string }> {
  const r = await h.bash(script);
  expect(r.code).not.toBe(0);
  return r;
}

describe('system users on a host', () => {
  let h: HostSandbox;
  beforeAll(async () => {
    h = await HostSandbox.start('su-effects');
  });
  afterAll(async () => {
    await h?.stop();
  });

  test('create: users, groups, homes (skel, owner, 0750), shells, password hashes', async () => {
    // alice joins bob's group before bob exists: the group is created, and reused when bob is created.
    const { first, second } = await apply(h, systemUsersBackend, [
      op(systemUsersBackend, 'save', user({ groups: ['bob'] })),
      op(systemUsersBackend, 'save', user({ username: 'bob', passwordHash: null, shell: '/dev/null', isMain: false })),
    ]);
    expect(first).toContain('group bob: created');
    expect(first).toContain('user alice: created');
    expect(first).toContain('user bob: created');
    expect(second).toBe('user alice: up to date\nuser bob: up to date\n');

    expect(await sh1(h, 'getent passwd alice | cut -d: -f1,6,7')).toBe('alice:/home/alice:/bin/bash');
    expect(await sh1(h, 'getent passwd bob | cut -d: -f1,6,7')).toBe('bob:/home/bob:/usr/sbin/nologin');
    expect(await sh1(h, 'getent shadow alice | cut -d: -f2')).toBe(HASH_1);
    expect(await sh1(h, 'getent shadow bob | cut -d: -f2')).toBe('*');
    expect(await sh1(h, 'id -nG alice')).toBe('alice bob');
    expect(await sh1(h, 'id -gn bob')).toBe('bob');
    expect(await sh1(h, "stat -c '%U:%G %a' /home/alice /home/bob")).toBe('alice:alice 750\nbob:bob 750');
    expect(await sh1(h, "stat -c '%U' /home/alice/.bashrc")).toBe('alice');
    expect(await sh1(h, 'passwd -S alice | cut -d" " -f2')).toBe('P');
  });

  test('update: shell, password, groups; only what differs', async () => {
    const { first, second } = await apply(h, systemUsersBackend, [
      op(systemUsersBackend, 'save', user({ shell: '/dev/null', passwordHash: HASH_2, groups: [] })),
    ]);
    expect(first).toContain('user alice: changed shell groups password');
    expect(second).toBe('user alice: up to date\n');
    expect(await sh1(h, 'getent passwd alice | cut -d: -f7')).toBe('/usr/sbin/nologin');
    expect(await sh1(h, 'getent shadow alice | cut -d: -f2')).toBe(HASH_2);
    expect(await sh1(h, 'id -nG alice')).toBe('alice');

    // rssh is not installed here: SFTP-only falls back to nologin (and nothing changes).
    const rssh = await apply(h, systemUsersBackend, [op(systemUsersBackend, 'save', user({ shell: '/bin/rssh', passwordHash: HASH_2 }))]);
    expect(rssh.first).toBe('user alice: up to date\n');
    await apply(h, systemUsersBackend, [op(systemUsersBackend, 'save', user({ shell: '/bin/bash', passwordHash: HASH_2 }))]);
    expect(await sh1(h, 'getent passwd alice | cut -d: -f7')).toBe('/bin/bash');

    // Another primary group (changed on the server): the user's own again, and that group is no supplementary one.
    await sh1(h, 'groupadd strays && usermod -g strays alice');
    const primary = await apply(h, systemUsersBackend, [op(systemUsersBackend, 'save', user({ shell: '/bin/bash', passwordHash: HASH_2 }))]);
    expect(primary.first).toBe('user alice: changed group groups\n');
    expect(await sh1(h, 'id -nG alice')).toBe('alice');
  });

  test('disable locks the password and expires the account; enable restores exactly', async () => {
    const disabled = user({ passwordHash: HASH_2, account: { username: 'alice', isActive: false } });
    const d = await apply(h, systemUsersBackend, [op(systemUsersBackend, 'save', disabled)]);
    expect(d.first).toContain('user alice: changed password expiry');
    expect(await sh1(h, 'passwd -S alice | cut -d" " -f2')).toBe('L');
    expect(await sh1(h, 'getent shadow alice | cut -d: -f2,8')).toBe(`!${HASH_2}:1`);
    // The user's own flag disables too.
    await apply(h, systemUsersBackend, [op(systemUsersBackend, 'save', user({ passwordHash: HASH_2, isActive: false }))]);
    expect(await sh1(h, 'passwd -S alice | cut -d" " -f2')).toBe('L');

    const e = await apply(h, systemUsersBackend, [op(systemUsersBackend, 'save', user({ passwordHash: HASH_2 }))]);
    expect(e.first).toContain('user alice: changed password expiry');
    expect(await sh1(h, 'passwd -S alice | cut -d" " -f2')).toBe('P');
    expect(await sh1(h, 'getent shadow alice | cut -d: -f2,8')).toBe(`${HASH_2}:`);

    // A user without password: "*" when enabled, "!*" when disabled.
    await apply(h, systemUsersBackend, [op(systemUsersBackend, 'save', user({ username: 'bob', passwordHash: null, shell: '/dev/null', isMain: false, isActive: false }))]);
    expect(await sh1(h, 'getent shadow bob | cut -d: -f2')).toBe('!*');
    expect(await sh1(h, 'passwd -S bob | cut -d" " -f2')).toBe('L');
  });

  test('delete: processes, crontab, home, mail spool, user and group are gone', async () => {
    await sh1(h, String.raw`
      printf '%s\n' '* * * * * true' | crontab -u alice -
      install -o alice -m 600 /dev/null /var/mail/alice
      setsid -f setpriv --reuid=alice --regid=alice --clear-groups sleep 300 </dev/null >/dev/null 2>&1
      sleep 0.2`);
    const uid = await sh1(h, 'id -u alice');
    expect(await sh1(h, `pgrep -U ${uid} | wc -l`)).toBe('1');

    const { first, second } = await apply(h, systemUsersBackend, [
      op(systemUsersBackend, 'delete', user({ username: 'bob', passwordHash: null, shell: '/dev/null', isMain: false })),
      op(systemUsersBackend, 'delete', user()),
    ]);
    expect(first).toContain('crontab of alice: removed');
    expect(first).toContain('home /home/alice: removed');
    expect(first).toContain('user alice: deleted');
    expect(first).toContain('mail spool of alice: removed');
    expect(second).toBe('user bob: already absent\nuser alice: already absent\n');

    expect((await h.bash('getent passwd alice')).code).toBe(2);
    expect((await h.bash('getent passwd bob')).code).toBe(2);
    expect((await h.bash('getent group alice')).code).toBe(2);
    expect((await h.bash('getent group bob')).code).toBe(2);
    expect(await sh1(h, 'ls -A /home')).not.toMatch(/alice|bob/);
    expect(await sh1(h, 'ls -A /var/mail /var/spool/cron/crontabs')).not.toMatch(/alice|bob/);
    expect((await h.bash(`pgrep -U ${uid}`)).code).toBe(1);
  });

  test('a group still used by another user is kept', async () => {
    await apply(h, systemUsersBackend, [
      op(systemUsersBackend, 'save', user({ username: 'carol' })),
      op(systemUsersBackend, 'save', user({ username: 'dave', groups: ['carol'] })),
    ]);
    const { first } = await apply(h, systemUsersBackend, [op(systemUsersBackend, 'delete', user({ username: 'carol' }))]);
    expect(first).toContain('group carol: kept, it still has members (dave)');
    expect(await sh1(h, 'id -nG dave')).toBe('dave carol');
  });

  describe('guards', () => {
    beforeAll(async () => {
      await sh1(h, String.raw`
        groupadd -g 500 lowgrp
        useradd -u 500 -g lowgrp -M -d /home/lowuid -p "$(printf %s 'untouched')" lowuid
        mkdir -p /home/shared`);
    });

    test('a system account (uid < UID_MIN) is never changed or deleted', async () => {
      const save = await failing(h, systemUsersBackend.render([op(systemUsersBackend, 'save', user({ username: 'lowuid' }))]));
      expect(save.stderr).toMatch(/lowuid is a system account \(uid 500\)/);
      const del = await failing(h, systemUsersBackend.render([op(systemUsersBackend, 'delete', user({ username: 'lowuid' }))]));
      expect(del.stderr).toMatch(/refusing to delete it/);
      expect(await sh1(h, 'getent shadow lowuid | cut -d: -f2')).toBe('untouched');
    });

    test('a system group is never joined', async () => {
      const r = await failing(h, systemUsersBackend.render([op(systemUsersBackend, 'save', user({ username: 'erin', groups: ['lowgrp'] }))]));
      expect(r.stderr).toMatch(/group lowgrp is a system group/);
      expect((await h.bash('getent group lowgrp | cut -d: -f4')).stdout.trim()).toBe('');
    });

    test('a symbolic link on the way to a home is refused (no chown of /etc)', async () => {
      await apply(h, systemUsersBackend, [op(systemUsersBackend, 'save', user({ username: 'eve' }))]);
      await sh1(h, 'ln -s /etc /home/eve/link');
      const r = await failing(h, systemUsersBackend.render([op(systemUsersBackend, 'save', user({ username: 'mallory', home: '/home/eve/link' }))]));
      expect(r.stderr).toMatch(/a symbolic link is on its path/);
      // The link further up a home that does not exist yet: no /etc/mallory made.
      const deeper = await failing(h, systemUsersBackend.render([op(systemUsersBackend, 'save', user({ username: 'mallory', home: '/home/eve/link/mallory' }))]));
      expect(deeper.stderr).toMatch(/a symbolic link is on its path/);
      expect((await h.bash('test -e /etc/mallory')).code).toBe(1);
      expect(await sh1(h, "stat -c '%U:%G %a' /etc")).toBe('root:root 755');
    });

    test('delete keeps a home that does not belong to the user', async () => {
      await apply(h, systemUsersBackend, [op(systemUsersBackend, 'save', user({ username: 'frank', home: '/home/shared', isMain: false }))]);
      await sh1(h, 'chown root:root /home/shared && touch /home/shared/keep');
      const r = await h.bash(systemUsersBackend.render([op(systemUsersBackend, 'delete', user({ username: 'frank', home: '/home/shared' }))]));
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/home \/home\/shared does not belong to frank: kept/);
      expect(await sh1(h, 'ls /home/shared')).toBe('keep');
      expect((await h.bash('getent passwd frank')).code).toBe(2);
    });
  });
});

describe('crontabs on a host', () => {
  let h: HostSandbox;
  const source = (entries: CrontabSource['entries'], isActive = true): CrontabSource => ({ systemUsername: 'alice', entries, isActive });
  const entries = [
    { id: 3, minute: '30', hour: '2', command: 'backup --all > /dev/null 2>&1', description: 'Nightly backup' },
    { id: 7, minute: '*/5', dayOfWeek: 'mon-fri', command: 'date +%F >> ~/ran', description: 'Every 5 minutes' },
  ];

  beforeAll(async () => {
    h = await HostSandbox.start('cron-effects');
    await apply(h, systemUsersBackend, [op(systemUsersBackend, 'save', user())]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  test('install: exactly the rendered crontab, % escaped; a second run does not reinstall', async () => {
    const snapshot = crontabsBackend.snapshot(source(entries));
    const { first, second } = await apply(h, crontabsBackend, [op(crontabsBackend, 'save', source(entries), '7')]);
    expect(first).toBe('crontab of alice: installed\n');
    expect(second).toBe('crontab of alice: up to date\n');
    const installed = await sh1(h, 'crontab -l -u alice');
    expect(installed).toBe(renderCrontabLines(snapshot).join('\n'));
    expect(installed).toContain('*/5 * * * mon-fri date +\\%F >> ~/ran');
  });

  test('change an entry', async () => {
    const changed = [entries[0]!, { ...entries[1]!, minute: '0', hour: '*/2' }];
    const { first } = await apply(h, crontabsBackend, [op(crontabsBackend, 'save', source(changed), '7')]);
    expect(first).toBe('crontab of alice: installed\n');
    expect(await sh1(h, 'crontab -l -u alice | tail -1')).toBe('0 */2 * * mon-fri date +\\%F >> ~/ran');
  });

  test('disable keeps the entries as comments; enable restores them', async () => {
    await apply(h, crontabsBackend, [op(crontabsBackend, 'save', source(entries, false), '7')]);
    expect(await sh1(h, "crontab -l -u alice | grep -v '^#' | wc -l")).toBe('0');
    await apply(h, crontabsBackend, [op(crontabsBackend, 'save', source(entries), '7')]);
    expect(await sh1(h, "crontab -l -u alice | grep -cv '^#'")).toBe('2');
  });

  test('delete entries; the last one removes the crontab', async () => {
    // The delete's snapshot still lists the deleted entry: it is dropped.
    await apply(h, crontabsBackend, [op(crontabsBackend, 'delete', source(entries), '7')]);
    expect(await sh1(h, "crontab -l -u alice | grep -v '^#'")).toBe('30 2 * * * backup --all > /dev/null 2>&1');
    const { first, second } = await apply(h, crontabsBackend, [op(crontabsBackend, 'delete', source([entries[0]!]), '3')]);
    expect(first).toBe('crontab of alice: removed\n');
    expect(second).toBe('crontab of alice: already absent\n');
    const r = await h.bash('crontab -l -u alice');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no crontab for alice/);
  });

  test('a crontab the server\'s crontab refuses fails the run, says why, and leaves the installed crontab as it was', async () => {
    await apply(h, crontabsBackend, [op(crontabsBackend, 'save', source(entries), '7')]);
    const installed = await sh1(h, 'crontab -l -u alice');
    // Orchestra renders nothing crontab refuses (a command starting with "*" is refused by validation), so the
    // refused line is edited into a rendered script: what an older Orchestra or another cron version could produce.
    const script = crontabsBackend.render([op(crontabsBackend, 'save', source([...entries, { id: 9, command: 'STAR-HERE' }]), '9')]);
    expect(() => crontabsBackend.snapshot(source([...entries, { id: 9, command: '*' }]))).toThrow(/must not start with "\*"/);
    const refused = await failing(h, script.replace("'* * * * * STAR-HERE'", "'* * * * * *'"));
    expect(refused.stderr).toMatch(/^error: crontab of alice: refused by crontab, the installed crontab is unchanged: "-":\d+: bad command errors in crontab file, can't install\.\s*$/);
    expect(await sh1(h, 'crontab -l -u alice')).toBe(installed);
  });

  test('a command runs as written: cron\'s own escapes (% and \\) are undone by the rendering', async () => {
    const out = `/tmp/cron-escape-${randomBytes(6).toString('hex')}`;
    const command = `${String.raw`printf '[%s]' 'a\b' 'c\\d' 'e\%f' 100%`} > ${out}`;
    await apply(h, crontabsBackend, [op(crontabsBackend, 'save', source([{ id: 1, command }]), '1')]);
    // The real cron daemon runs it (at the next minute), in a mount namespace of its own: its own /run (pid file)
    // and no system crontabs, so only alice's crontab runs.
    const daemon = sh`
      mount -t tmpfs tmpfs /run
      mount --bind /dev/null /etc/crontab
      mount -t tmpfs tmpfs /etc/cron.d
      cron -f & pid=$!
      for _ in $(seq 1 150); do [ -s ${out} ] && break; sleep 1; done
      kill "$pid"
      cat ${out}
      rm -f ${out}`;
    expect(await sh1(h, sh`unshare --mount --propagation private bash -c ${daemon.text}`.text)).toBe(String.raw`[a\b][c\\d][e\%f][100%]`);
  }, 200_000);

  test('a missing user fails the save and is nothing to do on delete; system accounts are refused', async () => {
    const missing = { systemUsername: 'nobody-here', entries: [entries[0]!] };
    const r = await failing(h, crontabsBackend.render([op(crontabsBackend, 'save', missing)]));
    expect(r.stderr).toMatch(/user nobody-here does not exist/);
    const d = await h.bash(crontabsBackend.render([op(crontabsBackend, 'delete', { ...missing, entries: [] })]));
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('user absent, nothing to remove');

    await sh1(h, 'useradd -u 501 -M lowcron');
    const low = await failing(h, crontabsBackend.render([op(crontabsBackend, 'save', { systemUsername: 'lowcron', entries: [entries[0]!] })]));
    expect(low.stderr).toMatch(/lowcron is a system account/);
    expect((await h.bash('crontab -l -u lowcron')).code).toBe(1);
  });
});

describe('hostile values', () => {
  let h: HostSandbox;
  const canary = `/tmp/canary-${randomBytes(8).toString('hex')}`;
  const HOSTILE = [
    `$(touch ${canary})`,
    `\`touch ${canary}\``,
    `'; touch ${canary}; '`,
    `"; touch ${canary}; "`,
    `x\ntouch ${canary}\n`,
    `x\rtouch ${canary}`,
    `\\'; touch ${canary} #`,
    `$'\\x41'; touch ${canary}`,
    `-o; touch ${canary}`,
    `ünïcødé 日本 🔑 \u202e $(touch ${canary})`,
  ];

  beforeAll(async () => {
    h = await HostSandbox.start('hostile');
    await apply(h, systemUsersBackend, [op(systemUsersBackend, 'save', user())]);
  });
  afterAll(async () => {
    await h?.stop();
    expect(existsSync(canary)).toBe(false);
  });

  test('system users: every text field rejects them by validation', () => {
    for (const value of HOSTILE) {
      for (const overrides of [
        { username: value },
        { home: `/home/${value}` },
        { home: value },
        { passwordHash: value },
        { passwordHash: `${HASH_1}${value}` },
        { shell: value },
        { groups: [value] },
      ] as Partial<SystemUserSource>[]) {
        expect(() => systemUsersBackend.snapshot(user(overrides))).toThrow(SnapshotValidationError);
      }
      // A tampered stored snapshot is refused at render time too.
      const good = op(systemUsersBackend, 'save', user());
      expect(() => systemUsersBackend.render([{ ...good, snapshot: { ...good.snapshot, username: value } }])).toThrow(SnapshotValidationError);
    }
  });

  test('system users: even past validation, the quoting holds (the script fails, nothing is injected)', async () => {
    const base = systemUsersBackend.render([op(systemUsersBackend, 'save', user())]);
    for (const value of HOSTILE) {
      for (const call of [
        sh`save_user ${value} ${'/home/x'} ${'/bin/bash'} ${'active'} ${'*'}`,
        sh`save_user ${'alice'} ${'/home/alice'} ${value} ${'active'} ${value} ${value}`,
        sh`delete_user ${value} ${value}`,
      ]) {
        await h.bash(base.replace(/exit "\$exit_code"\n$/, `${call.text}\n`));
        expect(existsSync(canary)).toBe(false);
      }
    }
    expect(await sh1(h, 'getent shadow alice | cut -d: -f2')).toBe(HASH_1);
  });

  test('crontabs: newlines are rejected, the rest is quoted and installed byte-exact; nothing runs', async () => {
    for (const value of HOSTILE.filter((v) => /[\n\r]/.test(v))) {
      expect(() => crontabsBackend.snapshot({ systemUsername: 'alice', entries: [{ id: 1, command: value }] })).toThrow(SnapshotValidationError);
      expect(() => crontabsBackend.snapshot({ systemUsername: 'alice', entries: [{ id: 1, command: 'x', description: value }] })).toThrow(SnapshotValidationError);
      expect(() => crontabsBackend.snapshot({ systemUsername: 'alice', entries: [{ id: 1, command: 'x', minute: value }] })).toThrow(SnapshotValidationError);
    }
    for (const value of HOSTILE) {
      expect(() => crontabsBackend.snapshot({ systemUsername: value, entries: [] })).toThrow(SnapshotValidationError);
      expect(() => crontabsBackend.snapshot({ systemUsername: 'alice', entries: [{ id: 1, command: 'x', hour: value }] })).toThrow(SnapshotValidationError);
    }
    const singleLine = HOSTILE.filter((v) => !/[\n\r]/.test(v));
    const source: CrontabSource = {
      systemUsername: 'alice',
      entries: singleLine.map((value, i) => ({ id: i + 1, command: `echo ${value} 100%`, description: value })),
    };
    const { first } = await apply(h, crontabsBackend, [op(crontabsBackend, 'save', source)]);
    expect(first).toBe('crontab of alice: installed\n');
    expect(await sh1(h, 'crontab -l -u alice')).toBe(renderCrontabLines(crontabsBackend.snapshot(source)).join('\n'));
    expect(existsSync(canary)).toBe(false);
  });

  test('the sandbox itself sees no canary either', async () => {
    expect((await h.bash(sh`test -e ${canary}`.text)).code).toBe(1);
  });
});

describe('the golden scripts run on a host', () => {
  let h: HostSandbox;
  beforeAll(async () => {
    h = await HostSandbox.start('golden');
  });
  afterAll(async () => {
    await h?.stop();
  });

  test('in a realistic order, each twice, the second run changing nothing', async () => {
    const run = async (name: string) => {
      const script = readGoldenScript(name);
      const r1 = await h.bash(script);
      if (r1.code !== 0) throw new Error(`${name}: exit ${r1.code}\n${r1.stderr}`);
      const before = await state(h);
      const r2 = await h.bash(script);
      expect(r2.code).toBe(0);
      expect(await state(h)).toBe(before);
    };
    await run('system-users/save.sh');
    await run('system-users/multi.sh');
    expect(await sh1(h, 'getent passwd alice-ftp | cut -d: -f7; passwd -S alice-ftp | cut -d" " -f2')).toBe('/usr/sbin/nologin\nL');
    await run('system-users/hostile.sh');
    await apply(h, systemUsersBackend, [op(systemUsersBackend, 'save', user({ username: 'bob' }))]);
    await run('crontabs/save.sh');
    await run('crontabs/multi.sh');
    expect(await sh1(h, "crontab -l -u bob | tail -1")).toBe('#0 4 * * * date +\\%F >> ~/ran');
    await run('crontabs/hostile.sh');
    await run('crontabs/delete.sh');
    expect((await h.bash('crontab -l -u alice')).code).toBe(1);
    await run('system-users/delete.sh');
    expect((await h.bash('getent passwd alice-ftp')).code).toBe(2);
    expect(existsSync('/tmp/canary')).toBe(false);
  });
});
