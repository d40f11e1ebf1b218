/**
 * Resources without servers: the scale expressions, the monitoring cron, the aggregations (time-weighted averages on
 * hand-computed fixtures with irregular sample times), counter monitors across a reset, the parsing of monitor
 * output, the retention of equal runs, and the monitors' golden scripts with shellcheck.
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Aggregation, aggregate, timeWeightedAverage, type Sample } from '../src/resources/aggregations.js';
import { counterDelta } from '../src/resources/counter.js';
import { parseMonitorCron } from '../src/resources/cron-schedule.js';
import { parseMonitorOutput } from '../src/resources/monitor-output.js';
import { renderMonitorScript, type Monitor, type MonitorTarget } from '../src/resources/monitors/monitor.js';
import { findMonitor, listMonitors } from '../src/resources/monitors/registry.js';
import { interiorOfEqualRuns } from '../src/resources/retention.js';
import { parseScale } from '../src/resources/scale-expression.js';
import { GOLDEN_DIR, goldenForm, readGoldenScript } from './support/golden.js';
import { shellcheckFragment, shellcheckScript } from './support/shellcheck.js';

describe('scale expressions', () => {
  test.each([
    ['1', 1], ['1024', 1024], ['10**9', 1e9], ['2**10', 1024], ['(2 ** 3) ** 2', 64], ['-2**2 + 5', 1], ['(1 + 1) * 512', 1024],
    ['1024*1024*1024', 1073741824], ['1e3'.replace('e3', '000'), 1000], ['0.5', 0.5], ['1 / 8', 0.125], ['((((2))))', 2],
  ])('%s = %d', (text, value) => {
    expect(parseScale(text)).toEqual({ ok: true, value });
  });

  test.each([
    ['', 'must be a number'], ['abc', 'unknown field'], ['__import__("os")', 'function calls are not allowed'], ['10**', 'exponent'],
    ['(1', 'expected ")"'], ['1)', 'unexpected'], ['1/0', 'division by zero'], ['0', 'greater than 0'], ['-5', 'greater than 0'],
    ['10**99', 'exponent'], ['10**64', 'beyond'], ['2 ** 3 ** 2', 'cannot be chained'], ['9'.repeat(65), 'at most 64'],
    ['(((((((((1)))))))))', 'nested'], ['1e9', 'malformed number'], ['1..2', 'malformed number'], ['2 3', 'unexpected'],
  ])('%j is refused (%s)', (text, why) => {
    const result = parseScale(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toContain(why);
  });
});

describe('monitoring cron', () => {
  test('five fields, normalised', () => {
    expect(parseMonitorCron(' */5  *  * JAN mon-fri ')).toEqual({ ok: true, value: '*/5 * * jan mon-fri' });
  });
  test.each(['', '* * * *', '* * * * * *', '61 * * * *', '* * * * 8', '@daily', '*/0 * * * *', '* * * * * ; rm -rf /'])('%j is refused', (text) => {
    expect(parseMonitorCron(text).ok).toBe(false);
  });
});

const at = (iso: string) => new Date(iso);
const s = (iso: string, value: number): Sample => ({ at: at(iso), value });

describe('aggregations', () => {
  const now = at('2026-11-01T10:00:00Z');

  test('time-weighted average with irregular samples and one before the window (hand-computed)', () => {
    // 100 holds 00:00–02:00 (2 h), 200 02:00–03:00 (1 h), 50 03:00–09:30 (6.5 h), 400 09:30–10:00 (0.5 h):
    // (200 + 200 + 325 + 200) / 10 h = 92.5
    const series = [s('2026-10-31T20:00:00Z', 100), s('2026-11-01T02:00:00Z', 200), s('2026-11-01T09:30:00Z', 400), s('2026-11-01T03:00:00Z', 50)];
    expect(timeWeightedAverage(series, at('2026-11-01T00:00:00Z'), now)).toBeCloseTo(92.5, 10);
    expect(aggregate(Aggregation.MONTHLY_AVG, [series], now)).toBeCloseTo(92.5, 10);
  });

  test('time before the first sample is left out of the average', () => {
    // 10 holds 01:00–04:00 (3 h), 40 04:00–10:00 (6 h): (30 + 240) / 9 h = 30
    expect(aggregate(Aggregation.MONTHLY_AVG, [[s('2026-11-01T01:00:00Z', 10), s('2026-11-01T04:00:00Z', 40)]], now)).toBeCloseTo(30, 10);
  });

  test('last-n-days-avg looks back N days only', () => {
    // Window 2026-10-30T10:00 → now: 1000 holds from the window start until 10-31T10:00 (24 h), then 0 for 24 h: 500.
    const series = [s('2026-10-20T00:00:00Z', 1000), s('2026-10-31T10:00:00Z', 0)];
    expect(aggregate(Aggregation.LAST_N_DAYS_AVG, [series], now, 2)).toBeCloseTo(500, 10);
  });

  test('last sums the latest value of each series (a roll-up); monthly-sum sums this month only', () => {
    const a = [s('2026-10-31T23:00:00Z', 5), s('2026-11-01T01:00:00Z', 7)];
    const b = [s('2026-11-01T05:00:00Z', 3)];
    expect(aggregate(Aggregation.LAST, [a, b], now)).toBe(10);
    expect(aggregate(Aggregation.MONTHLY_SUM, [a, b], now)).toBe(10);
    expect(aggregate(Aggregation.MONTHLY_SUM, [[s('2026-10-31T23:00:00Z', 5)]], now)).toBeNull();
    expect(aggregate(Aggregation.LAST, [], now)).toBeNull();
  });
});

describe('counter monitors', () => {
  test('usage since the previous reading, never negative across a reset', () => {
    const readings = [100, 250, 30, 80, 80];
    let state: number | null = null;
    const values: number[] = [];
    for (const reading of readings) {
      const r = counterDelta(state, reading);
      values.push(r.value);
      state = r.state;
    }
    // First reading: baseline. 250-100; reset to 30: 30 used since; 80-30; unchanged: 0.
    expect(values).toEqual([0, 150, 30, 50, 0]);
    expect(() => counterDelta(5, -1)).toThrow(RangeError);
  });
});

describe('monitor output', () => {
  test('only "<id> <value>" lines of the objects asked for are data; the rest is recorded as malformed', () => {
    const out = parseMonitorOutput(
      ['12 4096', '13 0', '13 5', "14 1e9", 'home /home/x: missing', '99 100', "12; rm -rf / 5", '15 -3', '16 12.5', '', '17 1 2'].join('\n'),
      new Set(['12', '13', '14', '15', '16', '17']),
    );
    expect([...out.values]).toEqual([['12', 4096], ['13', 0], ['16', 12.5]]);
    expect(out.malformed).toHaveLength(7);
    expect(out.malformed.join('\n')).toContain('an object this run did not measure');
    expect(out.malformed.join('\n')).toContain('a second value');
  });
});

describe('retention', () => {
  test('equal runs (±0.5 %) keep their first and last sample', () => {
    const samples = [1000, 1001, 1004, 999, 2000, 2000, 2001, 3000, 1000].map((value, i) => ({ id: String(i), value }));
    // Run 1000…999 (0–3): drop 1, 2; run 2000…2001 (4–6): drop 5; 3000 and 1000 alone.
    expect(interiorOfEqualRuns(samples)).toEqual(['1', '2', '5']);
    expect(interiorOfEqualRuns([])).toEqual([]);
  });
});

// ── golden scripts of the monitors ──────────────────────────────────────────────────────────────────────────────

const target = <T>(objectId: string, data: T): MonitorTarget<T> => ({ objectId, accountId: '1', routeSource: null, data });
const HOSTILE = "x'y\"$(touch /tmp/pwned)`id`;\n\\ü";

const MONITOR_GOLDEN: Record<string, Record<string, () => MonitorTarget[]>> = {
  'system-user-disk': {
    multi: () => [target('42', { home: '/home/alice' }), target('43', { home: '/home/alice/web' })],
    hostile: () => [target('44', { home: '/home/a$(id)`x`' })],
  },
  'postgresql-size': {
    multi: () => [target('7', { name: 'alice_shop' }), target('8', { name: 'bob_blog' })],
    hostile: () => [target('9', { name: HOSTILE })],
  },
  'mariadb-size': {
    multi: () => [target('7', { name: 'alice_shop' }), target('8', { name: 'bob_blog' })],
    // Without "'": MariaDB's \' inside a shell-quoted word is a shellcheck note (SC1003) on a correct script.
    hostile: () => [target('9', { name: HOSTILE.replace("'", '') })],
  },
  'mailbox-disk': {
    multi: () => [target('11', { name: 'alice' }), target('12', { name: 'bob.smith' })],
    hostile: () => [target('13', { name: HOSTILE })],
  },
  'mail-traffic': {
    multi: () => [target('11', { name: 'alice' }), target('12', { name: 'bob.smith' })],
    hostile: () => [target('13', { name: HOSTILE })],
  },
  // Website ids are numbers; the hostile case shows an id is still quoted like any value.
  'website-traffic-nginx': {
    multi: () => [target('21', {}), target('22', {})],
    hostile: () => [target(`23${HOSTILE}`, {})],
  },
  'website-traffic-apache': {
    multi: () => [target('21', {}), target('22', {})],
    hostile: () => [target(`23${HOSTILE}`, {})],
  },
};

function expectGolden(file: string, text: string): void {
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  expect(text).toBe(readFileSync(file, 'utf8'));
}

const cases = Object.entries(MONITOR_GOLDEN).flatMap(([name, byCase]) => Object.keys(byCase).map((c) => [name, c] as const));

describe('monitor golden scripts', () => {
  test('every monitor has golden cases', () => {
    expect(listMonitors().map((m) => m.name).sort()).toEqual(Object.keys(MONITOR_GOLDEN).sort());
  });

  test.each(cases)('%s/%s.sh', (name, which) => {
    const monitor = findMonitor(name) as Monitor;
    const script = renderMonitorScript(monitor, MONITOR_GOLDEN[name]![which]!());
    const golden = goldenForm(script);
    expect(golden).not.toBeNull();
    expectGolden(join(GOLDEN_DIR, name, `${which}.sh`), golden!);
    expect(readGoldenScript(`${name}/${which}.sh`)).toBe(script);
    const syntax = spawnSync('bash', ['-n'], { input: script });
    expect(syntax.status).toBe(0);
    expect(shellcheckScript(script)).toEqual({ status: 0, findings: '' });
  });

  test('an empty run renders nothing', () => {
    expect(renderMonitorScript(findMonitor('system-user-disk')!, [])).toBe('');
  });

  const MONITORS_DIR = join(import.meta.dirname, '../src/resources/monitors');
  const fragments = readdirSync(MONITORS_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.sh'));
  test.each(fragments)('shellcheck %s', (file) => {
    expect(shellcheckFragment(relative(process.cwd(), join(MONITORS_DIR, file)))).toEqual({ status: 0, findings: '' });
  });
});
