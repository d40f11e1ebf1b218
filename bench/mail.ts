/**
 * Mail configuration for 2,000 mailboxes and 5,000 addresses on one server (issue 14), backend side: the scripts a
 * `syncServer` of `dovecot-mailboxes` and of `postfix-addresses` renders for every object (one script each, as the
 * outbox writes them), run on a sandboxed host with real Postfix and Dovecot (tests/support/mail-host.ts); then ONE
 * address changed (the script one `updateAddress` renders) against the same change made by hand (the line edited
 * with sed, then `postmap` of the map), measured in the same run. Not through the API and Temporal: what this
 * measures is the servers' side, which is what grows with the number of mailboxes and addresses.
 *
 *   node_modules/.bin/node --import ./scripts/register.js bench/mail.ts [--mailboxes=2000] [--addresses=5000]
 */
import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dovecotMailboxesBackend } from '../src/orchestration/backends/dovecot-mailboxes/dovecot-mailboxes.backend.js';
import { postfixAddressesBackend } from '../src/orchestration/backends/postfix-addresses/postfix-addresses.backend.js';
import type { Backend } from '../src/orchestration/backends/backend.js';
import type { OperationInput } from '../src/orchestration/types.js';
import { DnsLan } from '../tests/support/dns-lan.js';
import { mailHostSpec, startMailDaemons } from '../tests/support/mail-host.js';
import { addressSource, mailboxSource } from '../tests/support/mail-golden-cases.js';
import { startSshHost } from '../tests/support/sshd-host.js';

function flag(name: string): string | undefined {
  const arg = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3);
}
const MAILBOXES = Number(flag('mailboxes') ?? 2000);
const ADDRESSES = Number(flag('addresses') ?? 5000);
const log = (text: string) => process.stderr.write(`[bench] ${text}\n`);
const seconds = (ms: number) => (ms / 1000).toFixed(2);

function ops(backend: Backend, sources: unknown[]): OperationInput[] {
  return sources.map((source, i) => ({ operationId: String(i + 1), action: 'save', model: backend.model, objectId: String(i + 1), snapshot: backend.snapshot(source) as Record<string, unknown> }));
}

const lan = await DnsLan.start();
const host = await startSshHost('mailbench', await mailHostSpec(lan, 'mailbench'));
const mail = await startMailDaemons(host);
try {
  const run = async (what: string, script: string) => {
    const start = performance.now();
    const result = await host.sandbox.bash(script);
    const ms = performance.now() - start;
    if (result.code !== 0) throw new Error(`${what} failed (${result.code}): ${result.stderr.slice(-2000)}`);
    log(`${what}: ${seconds(ms)} s (load ${loadavg()[0]!.toFixed(2)})`);
    return ms;
  };
  const mailboxes = Array.from({ length: MAILBOXES }, (_, i) => mailboxSource({ name: `mbox${i}` }));
  const addresses = Array.from({ length: ADDRESSES }, (_, i) =>
    addressSource({ id: String(i + 1), name: `addr${i}`, domain: `d${i % 100}.example`, mailboxes: [`mbox${i % MAILBOXES}`], forwards: i % 5 === 0 ? [`fwd${i}@elsewhere.example`] : [] }));
  const results: [string, number][] = [];
  results.push([`sync ${MAILBOXES} mailboxes (dovecot-mailboxes, one script)`, await run('mailboxes sync', dovecotMailboxesBackend.render(ops(dovecotMailboxesBackend, mailboxes)))]);
  results.push([`sync again, nothing to change`, await run('mailboxes sync again', dovecotMailboxesBackend.render(ops(dovecotMailboxesBackend, mailboxes)))]);
  results.push([`sync ${ADDRESSES} addresses (postfix-addresses, one script)`, await run('addresses sync', postfixAddressesBackend.render(ops(postfixAddressesBackend, addresses)))]);
  results.push([`sync again, nothing to change`, await run('addresses sync again', postfixAddressesBackend.render(ops(postfixAddressesBackend, addresses)))]);
  const changed = addressSource({ id: '4243', name: 'addr4242', domain: 'd42.example', mailboxes: ['mbox1'], forwards: ['changed@elsewhere.example'] });
  results.push(['one address changed (Orchestra\'s script)', await run('one address changed', postfixAddressesBackend.render(ops(postfixAddressesBackend, [changed])))]);
  results.push(['the same kind of change by hand (sed + postmap)', await run('by hand', [
    'set -e',
    "sed -i 's/^addr4243@d43.example\\t.*/addr4243@d43.example\\tmbox1@orchestra-mailboxes.invalid, byhand@elsewhere.example/' /etc/postfix/orchestra/virtual_aliases",
    'postmap hash:/etc/postfix/orchestra/virtual_aliases',
  ].join('\n'))]);
  const check = await host.sandbox.exec(['postmap', '-q', 'addr4242@d42.example', 'hash:/etc/postfix/orchestra/virtual_aliases']);
  if (!check.stdout.includes('changed@elsewhere.example')) throw new Error(`the change is not in the map: ${check.stdout}`);
  const lines = (await host.sandbox.exec(['wc', '-l', '/etc/postfix/orchestra/virtual_aliases'])).stdout.trim();
  process.stdout.write(`\nmail bench: ${MAILBOXES} mailboxes, ${ADDRESSES} addresses (${lines}), ${cpus().length} cores\n`);
  for (const [what, ms] of results) process.stdout.write(`| ${what} | ${seconds(ms)} s |\n`);
} finally {
  await mail.stop();
  await host.close();
  await lan.close();
}
