/** The run-once wrapper on a real bash in a sandboxed host: a run's effect happens once however often it is retried. */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { GROUP_MORE, SECTION_SKIP, claimGroup, coalesceClaim, sectionRun } from '../src/orchestration/claim-script.js';
import { SectionDemux, type SectionEvent } from '../src/orchestration/section-demux.js';
import { WRAPPER_COMMAND, frameScript } from '../src/orchestration/ssh/remote-process.js';
import { HostSandbox } from './support/host-sandbox.js';
import { shellcheckScript } from './support/shellcheck.js';

let host: HostSandbox;
beforeAll(async () => {
  host = await HostSandbox.start('once');
});
afterAll(() => host?.stop());

const effects = async () => (await host.bash('cat /root/effects 2>/dev/null || true')).stdout;

/** Runs a coalesced claim as the SSH channel would (the fixed wrapper command, the framed text, then the words). */
async function runClaim(claim: { text: string }, words: string[]) {
  return host.exec(['sh', '-c', WRAPPER_COMMAND], `${frameScript(claim.text).toString('utf8')}${words.join('')}`);
}

/** The output split back per section, fed in chunks of 1 to 7 characters (markers cut anywhere). */
function demux(nonce: string, output: { stdout: string; stderr: string }) {
  const events: SectionEvent[] = [];
  const text: Record<string, string> = {};
  const d = new SectionDemux(nonce, (e) => events.push(e), (i, stream, t) => (text[`${i}.${stream}`] = (text[`${i}.${stream}`] ?? '') + t));
  // The two streams reach the worker in no fixed order between them: stdout first, then stderr (a section ends once
  // both showed its end).
  for (const stream of ['stdout', 'stderr'] as const) {
    const all = output[stream].replace(/^orchestra-pgid:\d+\n/, '');
    for (let at = 0, n = 1; at < all.length; at += n, n = (n % 7) + 1) d.feed(stream, all.slice(at, at + n));
  }
  d.flush();
  // Per section, in section order (begin before its end).
  events.sort((x, y) => x.index - y.index || (x.kind === 'begin' ? -1 : 1));
  return { events, text };
}

/** One run as a claim of one section on server 1: its exit code and its own output, as the worker splits it out. */
async function runOnce(runId: string, uid: string, script: string) {
  const claim = coalesceClaim('1', [{ runId, uid, script }]);
  const { events, text } = demux(claim.nonce, await runClaim(claim, [sectionRun(script)]));
  const end = events.find((e) => e.kind === 'end');
  return { code: end?.kind === 'end' ? end.exitCode : null, stdout: text['0.stdout'] ?? '', stderr: text['0.stderr'] ?? '' };
}

test('a second attempt reports the first one\'s exit code instead of running again', async () => {
  const uid = randomUUID();
  const script = '#!/bin/bash\nset -euo pipefail\necho ran >> /root/effects\necho out\nexit 3\n';
  const first = await runOnce('1', uid, script);
  expect(first).toMatchObject({ code: 3, stdout: 'out\n' });
  const second = await runOnce('1', uid, script);
  expect(second).toMatchObject({ code: 3, stdout: 'out\n' });
  expect(second.stderr).toContain('already ran to completion');
  expect(await effects()).toBe('ran\n');
});

test('concurrent attempts: the second waits for the first, then does not run', async () => {
  const uid = randomUUID();
  const script = 'echo start >> /root/effects; sleep 1; echo end >> /root/effects';
  await host.bash('rm -f /root/effects');
  const [a, b] = await Promise.all([runOnce('2', uid, script), runOnce('2', uid, script)]);
  expect([a.code, b.code]).toEqual([0, 0]);
  expect(await effects()).toBe('start\nend\n');
});

test('the script cannot read the rest of itself from stdin, and a script containing the delimiter style is safe', async () => {
  const uid = randomUUID();
  const script = 'cat > /root/stdin-seen\necho ORCHESTRA_SCRIPT_deadbeef\n';
  const result = await runOnce('3', uid, script);
  expect(result).toMatchObject({ code: 0, stdout: 'ORCHESTRA_SCRIPT_deadbeef\n' });
  expect((await host.bash('cat /root/stdin-seen')).stdout).toBe('');
});

test('different run uids never share markers', async () => {
  await host.bash('rm -f /root/effects');
  const script = 'echo x >> /root/effects';
  await runOnce('4', randomUUID(), script);
  await runOnce('4', randomUUID(), script);
  expect(await effects()).toBe('x\nx\n');
});

test('a dropped connection does not kill the script: it runs to its end, and a retry replays its exit code and output', async () => {
  await host.bash('rm -f /root/effects');
  const uid = randomUUID();
  const script = '#!/bin/bash\nset -euo pipefail\necho "before"; echo "to stderr" >&2\nsleep 0.5\necho "written after the reader left"\necho done >> /root/effects\nexit 2\n';
  // The reader of the output goes away at once, as the channel does when the worker is killed.
  const claim = coalesceClaim('1', [{ runId: '5', uid, script }]);
  await host.exec(['bash', '-c', 'cat > /root/words'], sectionRun(script));
  await host.exec(['bash', '-c', 'cat > /root/claim.sh && { bash /root/claim.sh < /root/words | true; }'], claim.text);
  await host.bash(`until [ -e /var/lib/orchestra/runs/${uid}.exit ]; do sleep 0.1; done`);
  expect(await effects()).toBe('done\n');
  const retry = await runOnce('5', uid, script);
  expect(retry).toMatchObject({ code: 2, stdout: 'before\nwritten after the reader left\n' });
  expect(retry.stderr).toMatch(/^to stderr\n.*already ran to completion in an earlier attempt \(exit 2\)/s);
  expect(await effects()).toBe('done\n');
});

test('a process a script leaves running does not hold the server\'s lock: the next claim on that server runs', async () => {
  const daemon = 'setsid sleep 60 </dev/null >/dev/null 2>&1 & echo $! > /root/daemon.pid';
  expect(await runOnce('6', randomUUID(), daemon)).toMatchObject({ code: 0 });
  // Were the lock inherited by the sleep, this claim would wait for it (60 s, past the test's timeout).
  const next = await runOnce('7', randomUUID(), 'kill -0 "$(cat /root/daemon.pid)" && echo still running');
  await host.bash('kill "$(cat /root/daemon.pid)" 2>/dev/null || true');
  expect(next).toMatchObject({ code: 0, stdout: 'still running\n' });
});

test('a run whose first attempt a worker from before session 10 made (its own lock, output copies) is waited for and replayed', async () => {
  await host.bash('rm -f /root/effects');
  const uid = randomUUID();
  const base = `/var/lib/orchestra/runs/${uid}`;
  // That wrapper, still running: under flock on <uid>.lock, output copied to <uid>.out/.err, then the exit marker.
  const old = `mkdir -p /var/lib/orchestra/runs; exec 9>${base}.lock; flock 9; sleep 1; echo old > ${base}.out; echo olderr > ${base}.err; echo 0 > ${base}.exit`;
  await host.bash(`(${old}) </dev/null >/dev/null 2>&1 & until [ -e ${base}.lock ]; do sleep 0.05; done`);
  const retry = await runOnce('8', uid, 'echo ran >> /root/effects');
  expect(retry).toMatchObject({ code: 0, stdout: 'old\n' });
  expect(retry.stderr).toMatch(/^olderr\n.*already ran to completion/s);
  expect(await effects()).toBe('');
});

test('a coalesced claim: one exec, each section its own output and exit, a skipped section never runs, and a retry reports instead of running again', async () => {
  await host.bash('rm -f /root/effects');
  const sections = [
    { runId: '11', uid: randomUUID(), script: 'echo one >> /root/effects\necho first\necho warn >&2' },
    { runId: '12', uid: randomUUID(), script: 'echo two >> /root/effects\nprintf "no newline at the end"\nexit 4' },
    { runId: '13', uid: randomUUID(), script: 'echo three >> /root/effects' },
    { runId: '14', uid: randomUUID(), script: 'echo four >> /root/effects\necho last' },
  ];
  const claim = coalesceClaim('1', sections);
  const [one, two, , four] = sections.map((section) => sectionRun(section.script));
  const first = demux(claim.nonce, await runClaim(claim, [one, two, SECTION_SKIP, four]));
  expect(first.events).toEqual([
    { kind: 'begin', index: 0 }, { kind: 'end', index: 0, exitCode: 0 },
    { kind: 'begin', index: 1 }, { kind: 'end', index: 1, exitCode: 4 },
    { kind: 'skipped', index: 2 },
    { kind: 'begin', index: 3 }, { kind: 'end', index: 3, exitCode: 0 },
  ]);
  expect(first.text).toEqual({ '0.stdout': 'first\n', '0.stderr': 'warn\n', '1.stdout': 'no newline at the end', '3.stdout': 'last\n' });
  // The failing section did not stop the next ones; the skipped one did nothing.
  expect(await effects()).toBe('one\ntwo\nfour\n');

  // Another attempt of the same claim (a worker that died mid-claim): every section that ran is reported, not run.
  const again = coalesceClaim('1', sections);
  const second = demux(again.nonce, await runClaim(again, sections.map((section) => sectionRun(section.script))));
  expect(second.events.filter((e) => e.kind === 'end')).toEqual([
    { kind: 'end', index: 0, exitCode: 0 }, { kind: 'end', index: 1, exitCode: 4 }, { kind: 'end', index: 2, exitCode: 0 }, { kind: 'end', index: 3, exitCode: 0 },
  ]);
  expect(second.text['1.stdout']).toBe('no newline at the end');
  expect(second.text['0.stdout']).toBe('first\n');
  expect(second.text['0.stderr']).toMatch(/^warn\n.*run 11 already ran to completion/s);
  expect(second.text['1.stderr']).toContain('run 12 already ran to completion');
  expect(await effects()).toBe('one\ntwo\nfour\nthree\n');

  // End of input before a section (the worker went away): nothing more runs.
  await host.bash('rm -f /root/effects');
  const cut = coalesceClaim('1', [{ runId: '15', uid: randomUUID(), script: 'echo five >> /root/effects' }, { runId: '16', uid: randomUUID(), script: 'echo six >> /root/effects' }]);
  const ended = demux(cut.nonce, await runClaim(cut, [sectionRun('echo five >> /root/effects')]));
  expect(ended.events).toEqual([{ kind: 'begin', index: 0 }, { kind: 'end', index: 0, exitCode: 0 }]);
  expect(await effects()).toBe('five\n');
});

test('a coalesced claim starts per section only the script\'s bash: marker directory, lock and output copies are per exec', async () => {
  // Shims in front of the real tools record every process of these names the exec starts (the scripts start none).
  const tools = ['find', 'mkdir', 'cat', 'rm', 'flock', 'tee'];
  const shims = tools.map((tool) => `printf '#!/bin/sh\\necho ${tool} >> /root/spawned\\nexec /usr/bin/env -u SHIM PATH=/usr/sbin:/usr/bin:/sbin:/bin ${tool} "$@"\\n' > /root/shims/${tool}; chmod +x /root/shims/${tool}`);
  // bash keeps the shims on its PATH: what it starts is counted too.
  shims.push(`printf '#!/bin/sh\\necho bash >> /root/spawned\\nexec "$(PATH=/usr/bin:/bin command -v bash)" "$@"\\n' > /root/shims/bash; chmod +x /root/shims/bash`);
  await host.bash(['rm -rf /root/shims /root/spawned /root/effects', 'mkdir -p /root/shims', ...shims].join('\n'));
  const sections = ['a', 'b', 'c'].map((name, i) => ({ runId: String(21 + i), uid: randomUUID(), script: `echo ${name} >> /root/effects` }));
  const claim = coalesceClaim('1', sections);
  const ran = await host.exec(['env', 'PATH=/root/shims:/usr/sbin:/usr/bin:/sbin:/bin', 'sh', '-c', WRAPPER_COMMAND], `${frameScript(claim.text).toString('utf8')}${sections.map((section) => sectionRun(section.script)).join('')}`);
  expect(demux(claim.nonce, ran).events.filter((e) => e.kind === 'end')).toEqual([0, 1, 2].map((index) => ({ kind: 'end', index, exitCode: 0 })));
  expect(await effects()).toBe('a\nb\nc\n');
  const spawned = (await host.bash('sort /root/spawned | uniq -c')).stdout.trim().split('\n').map((line) => line.trim().split(/\s+/).reverse().join(' ')).sort();
  // Per section: the script's bash; per exec: the wrapper's bash, one lock, two output copies (before session 10, per
  // section: a lock and two tees, 'flock 3' and 'tee 6' here; before session 12, per exec a mkdir and a pruning find
  // too, now only when the directory is missing and on the server's first exec of the day: an earlier test ran one).
  expect(spawned).toEqual(['bash 4', 'flock 1', 'tee 2']);
});

test("the marker directory is pruned of files older than 30 days by the server's first exec of the day, not by every exec", async () => {
  const dir = '/var/lib/orchestra/runs';
  const claim = () => coalesceClaim('1', [{ runId: '31', uid: randomUUID(), script: 'true' }]);
  await host.bash(`rm -f ${dir}/pruned-*; touch -d '40 days ago' ${dir}/old.exit; touch -d '10 days ago' ${dir}/recent.exit`);
  const first = claim();
  expect(demux(first.nonce, await runClaim(first, [sectionRun('true')])).events.at(-1)).toMatchObject({ kind: 'end', exitCode: 0 });
  const listed = async () => (await host.bash(`ls ${dir} | grep -E '^(old|recent)\\.exit$|^pruned-' || true`)).stdout.trim().split('\n');
  expect(await listed()).toEqual([expect.stringMatching(/^pruned-\d{8}$/), 'recent.exit']);
  // The same day: no second pass (a file made old meanwhile stays until tomorrow's first exec).
  await host.bash(`touch -d '40 days ago' ${dir}/old.exit`);
  await runClaim(claim(), [sectionRun('true')]);
  expect(await listed()).toEqual(['old.exit', expect.stringMatching(/^pruned-\d{8}$/), 'recent.exit']);
});

test('a script comes with its word, its length in bytes: multi-byte text, no final newline, lines that look like words or markers, past a pipe\'s buffer', async () => {
  await host.bash('rm -f /root/effects');
  // 200 KB: several pipe buffers and SSH packets; the exec reads it in blocks (read -N), not through bash's parser.
  const script = `printf 'é ✓ run 3\\nskip\\nmore\\n'\n# ${'x'.repeat(200_000)}\necho "$(( 6 * 7 ))" >> /root/effects\nprintf 'no newline'`;
  const claim = coalesceClaim('1', [{ runId: '41', uid: randomUUID(), script }]);
  expect(claim.text).not.toContain('x'.repeat(100));
  const { events, text } = demux(claim.nonce, await runClaim(claim, [sectionRun(script)]));
  expect(events).toEqual([{ kind: 'begin', index: 0 }, { kind: 'end', index: 0, exitCode: 0 }]);
  expect(text['0.stdout']).toBe('é ✓ run 3\nskip\nmore\nno newline');
  expect(await effects()).toBe('42\n');
});

test('a script cut short by the end of input never runs (a connection lost while it was being sent)', async () => {
  await host.bash('rm -f /root/effects');
  const script = 'echo ran >> /root/effects\necho more >> /root/effects\n';
  const claim = coalesceClaim('1', [{ runId: '42', uid: randomUUID(), script }]);
  const cut = sectionRun(script).slice(0, -10);
  const { events } = demux(claim.nonce, await runClaim(claim, [cut]));
  expect(events).toEqual([]);
  expect(await effects()).toBe('');
});

test('a chained exec takes further groups after "more": section indexes run on, a retry replays a section of a later group, the end of input finishes it', async () => {
  await host.bash('rm -f /root/effects');
  const groups = [0, 1, 2].map((g) => [0, 1].map((k) => ({ runId: String(50 + 2 * g + k), uid: randomUUID(), script: `echo g${g}s${k} >> /root/effects; echo out${g}${k}` })));
  const claim = coalesceClaim('1', groups[0], { chained: true });
  const words = (sections: typeof groups[0]) => sections.map((section) => sectionRun(section.script)).join('');
  const input = [
    frameScript(claim.text).toString('utf8'), words(groups[0]),
    GROUP_MORE, frameScript(claimGroup(groups[1], 2)).toString('utf8'), words(groups[1]),
    GROUP_MORE, frameScript(claimGroup(groups[2], 4)).toString('utf8'), words(groups[2]),
  ].join('');
  const ran = await host.exec(['sh', '-c', WRAPPER_COMMAND], input);
  const { events, text } = demux(claim.nonce, ran);
  expect(events.filter((e) => e.kind === 'end')).toEqual([0, 1, 2, 3, 4, 5].map((index) => ({ kind: 'end', index, exitCode: 0 })));
  expect(text['3.stdout']).toBe('out11\n');
  expect(await effects()).toBe('g0s0\ng0s1\ng1s0\ng1s1\ng2s0\ng2s1\n');
  // The run of section 3 (the second group's second) again, alone: replayed from the chained exec's log.
  const again = await runOnce(groups[1][1].runId, groups[1][1].uid, groups[1][1].script);
  expect(again).toMatchObject({ code: 0, stdout: 'out11\n' });
  expect(await effects()).toBe('g0s0\ng0s1\ng1s0\ng1s1\ng2s0\ng2s1\n');
  // The lock is released when the chain ends: another exec on the server runs at once.
  expect(await runOnce('60', randomUUID(), 'echo next')).toMatchObject({ code: 0, stdout: 'next\n' });
});

test('an exec\'s text, its first group and a further one, is clean for shellcheck', () => {
  const sections = [0, 1].map((k) => ({ runId: String(70 + k), uid: randomUUID(), script: 'echo never in the text' }));
  const first = coalesceClaim('1', sections, { chained: true });
  const text = `#!/bin/bash\n${frameScript(first.text).toString('utf8')}${frameScript(claimGroup(sections, 2)).toString('utf8')}`;
  expect(shellcheckScript(text)).toEqual({ status: 0, findings: '' });
  expect(text).not.toContain('never in the text');
});
