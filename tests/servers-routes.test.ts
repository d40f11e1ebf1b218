/** Servers (trust step, status) and routes (match expressions checked on save) over GraphQL, with a real sshd host. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Route } from '../src/entities/orchestration/route.js';
import { Server } from '../src/entities/orchestration/server.js';
import {
  BackendsDocument, CreateRouteDocument, CreateServerDocument, ServerHostKeyDocument, ServerStatusDocument,
  TrustServerHostKeyDocument, UpdateRouteDocument, UpdateServerDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { accountWithUser, outcome } from './support/fixtures.js';
import { startSshHost, testClientKey, type SshHost } from './support/sshd-host.js';

let h: ApiHarness;
let host: SshHost;
beforeAll(async () => {
  const key = await testClientKey();
  h = await startApiHarness({ ORCHESTRA_SSH_KEY: key.privateKeyPath });
  host = await startSshHost('srv1');
}, 60_000);
afterAll(async () => {
  await host?.close();
  await h?.close();
});

const servers = () => h.orm.em.fork().count(Server);

test('createServer validates every field and writes nothing on bad input', async () => {
  const before = await servers();
  const bad = await h.admin.data(CreateServerDocument, { input: { name: 'Bad Name!', address: 'not an address;rm', sshPort: 70000, sshUser: 'x y' } });
  expect(bad.createServer.userErrors.map((e) => e.field).sort()).toEqual(['input.address', 'input.name', 'input.sshPort', 'input.sshUser']);
  expect(await servers()).toBe(before);
  const ok = await h.admin.data(CreateServerDocument, { input: { name: 'dup', address: 'host.example.org' } });
  expect(ok.createServer.server).toMatchObject({ name: 'dup', sshPort: 22, hostKeyFingerprint: null });
  const dup = await h.admin.data(CreateServerDocument, { input: { name: 'dup', address: '10.0.0.1' } });
  expect(dup.createServer.userErrors[0]).toMatchObject({ field: 'input.name', code: 'TAKEN' });
});

describe('server addresses and SSH users are checked as given', () => {
  const ACCEPTED_ADDRESSES = [
    'a', 'a-o', 'web1.example.org', 'xn--bcher-kva.example', `${'a'.repeat(63)}.example.org`, `${'a.'.repeat(126)}a`, 'host1', '1a.example',
    '203.0.113.10', '0.0.0.0', '::1', '2001:db8::1', '::ffff:192.0.2.1', 'WEB1.Example.ORG',
  ];
  const REFUSED_ADDRESSES = [
    'a\t', 'a   ', ' a', 'a\n', '-oProxyCommand=touch /tmp/x', '-a', 'a-', 'a..b', '.a', 'a.', 'a_b', 'a b', 'a;b', 'ünï.example',
    `${'a'.repeat(64)}.example.org`, `${'a.'.repeat(126)}ab`, '999.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '0x7f', '127.1', 'host.123',
    '[::1]', '1::2::3', 'fe80::1%eth0', '::1 ', '',
  ];
  const ACCEPTED_USERS = ['root', 'a-o', 'deploy_user', '_orchestra', 'Admin', 'user.name', 'x'.repeat(32)];
  const REFUSED_USERS = ['a\t', 'a   ', ' root', '-oProxyCommand=x', '-a', '1user', 'x y', 'us:er', 'ünï', 'x'.repeat(33), 'root\n', ''];

  let existing: string;
  beforeAll(async () => {
    existing = (await h.admin.data(CreateServerDocument, { input: { name: 'addr-existing', address: '192.0.2.20' } })).createServer.server!.id;
  });

  test.each(ACCEPTED_ADDRESSES)('address %j is accepted, stored as given', async (address) => {
    const name = `addr-${ACCEPTED_ADDRESSES.indexOf(address)}`;
    const created = await h.admin.data(CreateServerDocument, { input: { name, address } });
    expect(created.createServer.userErrors).toEqual([]);
    expect(created.createServer.server).toMatchObject({ address });
  });

  test.each(REFUSED_ADDRESSES)('address %j is refused on create and update, nothing written', async (address) => {
    const before = await h.orm.em.fork().find(Server, {}, { orderBy: { id: 'asc' } });
    const created = await h.admin.data(CreateServerDocument, { input: { name: 'refused-address', address } });
    expect(created.createServer.userErrors).toEqual([expect.objectContaining({ field: 'input.address', code: address === '' ? 'REQUIRED' : 'INVALID' })]);
    const updated = await h.admin.data(UpdateServerDocument, { input: { id: existing, address } });
    expect(updated.updateServer.userErrors).toEqual([expect.objectContaining({ field: 'input.address' })]);
    expect(await h.orm.em.fork().find(Server, {}, { orderBy: { id: 'asc' } })).toEqual(before);
  });

  test.each(ACCEPTED_USERS)('SSH user %j is accepted', async (sshUser) => {
    const created = await h.admin.data(CreateServerDocument, { input: { name: `user-${ACCEPTED_USERS.indexOf(sshUser)}`, address: '192.0.2.8', sshUser } });
    expect(created.createServer.userErrors).toEqual([]);
  });

  test.each(REFUSED_USERS)('SSH user %j is refused', async (sshUser) => {
    const before = await h.orm.em.fork().count(Server);
    const created = await h.admin.data(CreateServerDocument, { input: { name: 'refused-user', address: '192.0.2.9', sshUser } });
    expect(created.createServer.userErrors).toEqual([expect.objectContaining({ field: 'input.sshUser' })]);
    expect(await h.orm.em.fork().count(Server)).toBe(before);
  });
});

test('trusting a host key: the presented fingerprint is OpenSSH\'s; a wrong one is refused; moving the server forgets it', async () => {
  const created = await h.admin.data(CreateServerDocument, { input: { name: 'srv1', address: '127.0.0.1', sshPort: host.port } });
  const id = created.createServer.server!.id;
  const presented = await h.admin.data(ServerHostKeyDocument, { id });
  expect(presented.server.presentedHostKey).toEqual({ fingerprint: host.hostKeyFingerprint, algorithm: 'ssh-ed25519', pinned: false });

  const wrong = await h.admin.data(TrustServerHostKeyDocument, { input: { id, fingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
  expect(wrong.trustServerHostKey.userErrors[0].field).toBe('input.fingerprint');
  expect((await h.orm.em.fork().findOneOrFail(Server, { name: 'srv1' })).hostKeyFingerprint).toBeNull();

  // Not trusted yet: the status says so and nothing runs.
  const untrusted = await h.admin.data(ServerStatusDocument, { id });
  expect(untrusted.server.status).toMatchObject({ reachable: false, error: expect.stringContaining('HostKeyNotTrusted') });

  const trusted = await h.admin.data(TrustServerHostKeyDocument, { input: { id, fingerprint: host.hostKeyFingerprint } });
  expect(trusted.trustServerHostKey.server!.hostKeyFingerprint).toBe(host.hostKeyFingerprint);
  const status = await h.admin.data(ServerStatusDocument, { id });
  expect(status.server.status).toMatchObject({ reachable: true, error: null });
  expect(status.server.status.uptimeSeconds).toBeGreaterThan(0);
  expect(status.server.status.loadAverage).toHaveLength(3);

  const moved = await h.admin.data(UpdateServerDocument, { input: { id, sshPort: host.port + 1 } });
  expect(moved.updateServer.server).toMatchObject({ sshPort: host.port + 1, hostKeyFingerprint: null });
});

test('a server that does not answer: presentedHostKey is a typed SERVICE_UNAVAILABLE error saying why, not an internal error', async () => {
  // Nothing listens on the port after sshd's: refused at once.
  const created = await h.admin.data(CreateServerDocument, { input: { name: 'silent', address: '127.0.0.1', sshPort: host.port + 2 } });
  const { data, errors } = await h.admin.request(ServerHostKeyDocument, { id: created.createServer.server!.id });
  expect(data).toBeNull();
  expect(errors).toEqual([expect.objectContaining({ message: expect.stringContaining('server silent did not answer'), extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'SERVER_UNREACHABLE' } })]);
});

test('routes: unknown backends and bad match expressions are userErrors; a good one is saved; one route per backend and server', async () => {
  const { data } = await h.admin.request(BackendsDocument);
  expect(data!.backends.map((b) => b.name)).toEqual([
    'system-users', 'crontabs', 'bind9-master', 'bind9-slave', 'mariadb-users', 'postgresql-users', 'mariadb-databases', 'postgresql-databases',
    'dovecot-mailboxes', 'postfix-addresses', 'dovecot-autoresponses', 'mailman-lists', 'webapps', 'nginx-websites', 'apache-websites', 'acme-certificates',
  ]);
  const server = await h.admin.data(CreateServerDocument, { input: { name: 'routed', address: '192.0.2.7' } });
  const serverId = server.createServer.server!.id;
  const before = await h.orm.em.fork().count(Route);
  const unknown = await h.admin.data(CreateRouteDocument, { input: { backend: 'bind9', serverId } });
  expect(unknown.createRoute.userErrors[0].field).toBe('input.backend');
  for (const match of [
    'systemuser.shell ==', 'process.exit()', 'systemuser.__proto__ == 1', 'nosuch.field == "x"', '`id`', "' ; touch /tmp/x ; '", '"yes"', '0',
    'systemuser.shell', 'account.type == "STAFF" and systemuser.username',
  ]) {
    const bad = await h.admin.data(CreateRouteDocument, { input: { backend: 'system-users', serverId, match } });
    expect([match, bad.createRoute.userErrors[0]?.field]).toEqual([match, 'input.match']);
  }
  expect(await h.orm.em.fork().count(Route)).toBe(before);
  const good = await h.admin.data(CreateRouteDocument, { input: { backend: 'system-users', serverId, match: 'account.type in ["COMPANY", "STAFF"] and systemuser.shell != "/bin/bash"' } });
  expect(good.createRoute.route).toMatchObject({ backend: 'system-users', isActive: true, server: { name: 'routed' } });
  const again = await h.admin.data(CreateRouteDocument, { input: { backend: 'system-users', serverId } });
  expect(again.createRoute.userErrors[0].code).toBe('TAKEN');
  const badUpdate = await h.admin.data(UpdateRouteDocument, { input: { id: good.createRoute.route!.id, match: 'and and' } });
  expect(badUpdate.updateRoute.userErrors[0].field).toBe('input.match');
  const literal = await h.admin.data(UpdateRouteDocument, { input: { id: good.createRoute.route!.id, match: "' ; touch /tmp/x ; '" } });
  expect(literal.updateRoute.userErrors).toEqual([
    expect.objectContaining({ field: 'input.match', message: expect.stringMatching(/^the value " ; touch \/tmp\/x ; " is not a condition/) }),
  ]);
  const boolean = await h.admin.data(UpdateRouteDocument, { input: { id: good.createRoute.route!.id, match: 'systemuser.isActive and not systemuser.isMain' } });
  expect(boolean.updateRoute.userErrors).toEqual([]);
});

test('servers and routes are for admins only', async () => {
  const { client } = await accountWithUser(h.admin, 'nosrv');
  expect(outcome(await client.request(CreateServerDocument, { input: { name: 'x', address: 'x.example.org' } }))).toBe('FORBIDDEN');
  expect(outcome(await client.request(BackendsDocument))).toBe('FORBIDDEN');
  const id = (await h.admin.data(CreateServerDocument, { input: { name: 'hidden', address: 'h.example.org' } })).createServer.server!.id;
  expect(outcome(await client.request(ServerStatusDocument, { id }))).toBe('FORBIDDEN');
});
