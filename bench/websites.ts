// 500 websites on one nginx server (issue 15): a sandboxed web host on a test LAN running a real nginx (as in
// tests/web-servers.test.ts), the engine as in the tests (API, worker, Temporal dev server, embedded PostgreSQL).
//   node_modules/.bin/node --import ./scripts/register.js bench/websites.ts [--sites=500] [--n=5]
// Rows:
//   full sync            `syncServer(server, nginx-websites)` of every site, from the mutation to the last operation
//                        SUCCESS (one script: each site's file checked by `nginx -t` with all the others, one reload),
//                        all new, then again with every file there; against the same files written by hand in one
//                        script over the same warm SSH connection, one `nginx -t`, one reload, until the last site
//                        answers
//   one site changed     `updateWebsite` of one site (its REDIRECT's target) until curl on the host gets the new
//                        Location; asserted: ONE file written, ONE reload (the run's output and nginx's own log);
//                        against the same edit by hand over the same warm SSH connection (sed on the site's file,
//                        `nginx -t`, `nginx -s reload`), same polling
// Needs root (host sandboxes, a network namespace) like the tests.
import { performance } from 'node:perf_hooks';
import { Operation } from '../src/entities/orchestration/operation.js';
import { FINAL_STATES, RunState } from '../src/entities/orchestration/run-state.js';
import { idOf } from '../src/schema/relay/global-id.js';
import { CreateWebAppDocument, SyncServerDocument, UpdateWebsiteDocument } from '../tests/generated/graphql.js';
import { DnsLan } from '../tests/support/dns-lan.js';
import { accountWithUser } from '../tests/support/fixtures.js';
import { startOrchestraHarness } from '../tests/support/orchestra-harness.js';
import { startWebDaemons, webHostSpec } from '../tests/support/web-host.js';
import { machineLoad, mean, ms, pct, ratio, startServices, table } from './orchestration-common.js';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const SITES = arg('sites', 500);
const N = arg('n', 5);
const now = () => performance.now();
const log = (message: string) => console.error(`[bench] ${message}`);
const sleep = (ms_: number) => new Promise((r) => setTimeout(r, ms_));
const SITES_DIR = '/etc/nginx/orchestra/sites';

const stopServices = await startServices();
const lan = await DnsLan.start();
const h = await startOrchestraHarness([await webHostSpec(lan, 'web-bench')]);
const host = h.hosts['web-bench']!;
const web = await startWebDaemons(host);
try {
  await h.startWorker();
  const serverId = await h.addServer('web-bench', ['system-users', 'webapps', 'nginx-websites']);
  const { client, account } = await accountWithUser(h.admin, 'benchco');
  const app = await client.data(CreateWebAppDocument, { input: { accountId: account.id, name: 'www', type: 'STATIC' } });
  if (app.createWebApp.userErrors.length) throw new Error(JSON.stringify(app.createWebApp.userErrors));
  await h.settle({}, 1, 120_000);
  const ssh = async (script: string) => {
    const result = await h.runner.run(host.endpoint, `set -euo pipefail\n${script}`, { timeoutMs: 600_000 });
    if (result.exitCode !== 0) throw new Error(`on the host: ${result.stderr}`);
    return result.stdout;
  };
  await ssh(`runuser -u benchco -- bash -c 'printf "the bench site" > ~/webapps/www/index.html'`);

  // The sites: plain inserts (SITES mutations would each be a run checking a growing configuration); syncServer then
  // renders and sends them all. Site i answers on site<i>.bench.example; each has a REDIRECT of /moved.
  const em = h.orm.em.fork();
  await em.getConnection().execute(
    `insert into website (created_at, updated_at, account_id, name, protocol, domains, contents, directives, is_active)
     select now(), now(), ?, 'site' || g, 'HTTP', array['site' || g || '.bench.example'], ?::json, ?::json, true
     from generate_series(1, ?) g`,
    [idOf('Account', account.id), JSON.stringify([{ path: '/', webAppId: idOf('WebApp', app.createWebApp.webApp!.id) }]), JSON.stringify([{ kind: 'REDIRECT', path: '/moved', value: 'https://elsewhere.example/start' }]), SITES],
  );
  const [first] = (await em.getConnection().execute(`select min(id) as id from website where name = 'site1'`)) as { id: string }[];
  const firstId = String(first!.id);
  const lastId = String(Number(firstId) + SITES - 1);
  log(`inserted ${SITES} websites (ids ${firstId}..${lastId})`);

  const lastOperationId = async () => (await h.orm.em.fork().findOne(Operation, { id: { $gt: '0' } }, { orderBy: { id: 'desc' } }))?.id ?? '0';
  /** Every operation after `since` final (at least `count`), all SUCCESS; returns them. */
  async function operationsSince(since: string, count: number): Promise<Operation[]> {
    const deadline = Date.now() + 60 * 60_000;
    for (;;) {
      const e = h.orm.em.fork();
      const total = await e.count(Operation, { id: { $gt: since } });
      const final = await e.count(Operation, { id: { $gt: since }, state: { $in: FINAL_STATES } });
      if (total >= count && final === total) {
        const ops = await e.find(Operation, { id: { $gt: since } }, { populate: ['run'], orderBy: { id: 'asc' } });
        const failed = ops.find((o) => o.state !== RunState.SUCCESS);
        if (failed) throw new Error(`operation ${failed.id} ${failed.state}: ${failed.run.getEntity().stderr}`);
        return ops;
      }
      if (Date.now() > deadline) throw new Error(`operations not final after an hour: ${final}/${total}`);
      await sleep(100);
    }
  }
  const answers = async (url: string, check: (status: number, headers: string, body: string) => boolean) => {
    for (;;) {
      const a = await web.get(url).catch(() => null);
      if (a && check(a.status, a.headers, a.body)) return;
      await sleep(10);
    }
  };
  const lastSiteAnswers = () => answers(`http://site${SITES}.bench.example/`, (status, _, body) => status === 200 && body === 'the bench site');

  async function sync(): Promise<{ ms: number; scriptBytes: number; output: string }> {
    const since = await lastOperationId();
    const s = now();
    const result = await h.admin.data(SyncServerDocument, { serverId, backend: 'nginx-websites' });
    if (result.syncServer.userErrors.length) throw new Error(JSON.stringify(result.syncServer.userErrors));
    const ops = await operationsSince(since, SITES);
    const elapsed = now() - s;
    const run = ops.at(-1)!.run.getEntity();
    return { ms: elapsed, scriptBytes: Buffer.byteLength(run.script), output: run.stdout ?? '' };
  }

  // 1. Full sync, all new.
  const loadBefore = machineLoad();
  log(`syncServer of ${SITES} sites, all new (${loadBefore})`);
  const reloads0 = await web.reloads();
  const syncNew = await sync();
  await lastSiteAnswers();
  if ((syncNew.output.match(/: written$/gm) ?? []).length !== SITES) throw new Error(`the sync wrote ${(syncNew.output.match(/: written$/gm) ?? []).length} files, not ${SITES}`);
  const syncNewReloads = (await web.reloads()) - reloads0;
  log(`  ${(syncNew.ms / 1000).toFixed(1)} s, ${syncNewReloads} reload(s), script ${(syncNew.scriptBytes / 1e6).toFixed(2)} MB`);

  // 2. The same files by hand: taken from the server, removed (nginx reloaded without them), then written back in one
  //    script: a file each, one nginx -t, one reload, until the last site answers.
  const listing = await ssh(`cd ${SITES_DIR} && for f in *.conf; do printf '%s %s\\n' "$f" "$(base64 -w0 "$f")"; done`);
  const files = Object.fromEntries(listing.trim().split('\n').map((line) => line.split(' ') as [string, string]));
  if (Object.keys(files).length !== SITES) throw new Error(`read ${Object.keys(files).length} site files, not ${SITES}`);
  await ssh(`rm -f ${SITES_DIR}/*.conf && nginx -t 2>/dev/null && nginx -s reload`);
  await answers(`http://site${SITES}.bench.example/`, (_, __, body) => body !== 'the bench site');
  const writeAll = Object.entries(files).map(([name, b64]) => `printf %s '${b64}' | base64 -d > ${SITES_DIR}/.${name}.new && mv -f ${SITES_DIR}/.${name}.new ${SITES_DIR}/${name}`).join('\n');
  log(`the same ${SITES} files by hand (${machineLoad()})`);
  const hs = now();
  await ssh(`${writeAll}\nnginx -t 2>/dev/null\nnginx -s reload`);
  await lastSiteAnswers();
  const handFullMs = now() - hs;
  log(`  ${(handFullMs / 1000).toFixed(1)} s`);

  // 3. Full sync again: every file there and equal.
  log(`syncServer of ${SITES} sites, all there (${machineLoad()})`);
  const reloads1 = await web.reloads();
  const syncAgain = await sync();
  if (/: written$/m.test(syncAgain.output)) throw new Error('the second sync rewrote a file');
  const syncAgainReloads = (await web.reloads()) - reloads1;
  log(`  ${(syncAgain.ms / 1000).toFixed(1)} s, ${syncAgainReloads} reload(s)`);
  const fullLoad = machineLoad();

  // 4. One site changed, N times each way, alternating.
  const middle = String(Number(firstId) + Math.floor(SITES / 2));
  const middleGlobal = Buffer.from(`Website:${middle}`).toString('base64url');
  const middleUrl = `http://site${Number(middle) - Number(firstId) + 1}.bench.example/moved`;
  const locationIs = (target: string) => answers(middleUrl, (status, headers) => status === 301 && headers.includes(`Location: ${target}\r`));
  const engine: number[] = [];
  const byHand: number[] = [];
  let previous = 'https://elsewhere.example/start';
  for (let i = 0; i < N; i++) {
    const target = `https://elsewhere.example/engine-${i}`;
    const since = await lastOperationId();
    const reloadsBefore = await web.reloads();
    const s = now();
    const r = await client.data(UpdateWebsiteDocument, { input: { id: middleGlobal, directives: [{ kind: 'REDIRECT', path: '/moved', value: target }] } });
    if (r.updateWebsite.userErrors.length) throw new Error(JSON.stringify(r.updateWebsite.userErrors));
    await locationIs(target);
    engine.push(now() - s);
    const ops = await operationsSince(since, 1);
    const output = ops.map((o) => o.run.getEntity().stdout ?? '').join('\n');
    const written = output.match(/^site-[0-9]+\.conf: written$/gm) ?? [];
    if (ops.length !== 1 || written.length !== 1 || written[0] !== `site-${middle}.conf: written` || (output.match(/^nginx: reloaded$/gm) ?? []).length !== 1) {
      throw new Error(`one site changed: expected one operation, one file written and one reload, got ${ops.length} operations:\n${output}`);
    }
    await answers(middleUrl, () => true);
    const reloads = (await web.reloads()) - reloadsBefore;
    if (reloads !== 1) throw new Error(`one site changed: nginx reloaded ${reloads} times`);
    previous = target;

    const manual = `https://elsewhere.example/hand-${i}`;
    const m = now();
    await ssh(`sed -i 's|return 301 "${previous}"|return 301 "${manual}"|' ${SITES_DIR}/site-${middle}.conf\nnginx -t 2>/dev/null\nnginx -s reload`);
    await locationIs(manual);
    byHand.push(now() - m);
    previous = manual;
  }
  const changeLoad = machineLoad();

  console.log(`\n### ${SITES} websites on one nginx server (\`bench/websites.ts\`, n=${N}; ${loadBefore} at the start, ${fullLoad} after the full syncs, ${changeLoad} after the changes)\n`);
  console.log(table(['full sync', 's', 'vs by hand', 'reloads', 'script'], [
    ['syncServer, all new (until every operation SUCCESS)', (syncNew.ms / 1000).toFixed(1), ratio(syncNew.ms, handFullMs), syncNewReloads, `${(syncNew.scriptBytes / 1e6).toFixed(2)} MB`],
    ['syncServer again, all there', (syncAgain.ms / 1000).toFixed(1), ratio(syncAgain.ms, handFullMs), syncAgainReloads, `${(syncAgain.scriptBytes / 1e6).toFixed(2)} MB`],
    [`baseline: the ${SITES} files written by hand in one script, one nginx -t, one reload (until the last site answers)`, (handFullMs / 1000).toFixed(1), '1.00×', 1, ''],
  ]));
  console.log('');
  console.log(table(['one site changed, until curl gets the new Location', 'p50 ms', 'mean ms', 'vs by hand'], [
    ['updateWebsite through Orchestra (1 file written, 1 reload: asserted)', ms(pct(engine, 50)), ms(mean(engine)), ratio(pct(engine, 50)!, pct(byHand, 50)!)],
    ['baseline: sed + nginx -t + nginx -s reload over warm SSH', ms(pct(byHand, 50)), ms(mean(byHand)), '1.00×'],
  ]));
} finally {
  await web.stop();
  await h.close();
  await lan.close();
  await stopServices();
}
