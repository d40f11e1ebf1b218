/**
 * A use case called outside an explicit transaction (a script, a stand-up step, future code) with a plain
 * `em.flush()`: MikroORM then commits in a transaction of its own, and the collector writes the outbox just before
 * that commit — before MikroORM's afterFlush. The operations must still name the objects the flush created (their
 * ids are known by then: the rows are inserted), and the host must get them.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { emptyAuditNote } from '../src/audit/audit-note.js';
import { Operation } from '../src/entities/orchestration/operation.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { createCrontab } from '../src/services/crontabs/crontab.use-cases.js';
import { createSystemUser } from '../src/services/system-users/system-user.use-cases.js';
import { toGlobalId } from '../src/schema/relay/global-id.js';
import { systemActor } from '../src/use-cases/actor.js';
import type { UseCase } from '../src/use-cases/use-case.js';
import { CreateAccountDocument } from './generated/graphql.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { expectedCrontab, hostCrontab, passwdEntry } from './support/resilience.js';

let h: OrchestraHarness;
let accountId: string;
beforeAll(async () => {
  h = await startOrchestraHarness(['implicithost']);
  await h.startWorker();
  await h.addServer('implicithost', ['system-users', 'crontabs']);
  accountId = (await h.admin.data(CreateAccountDocument, { input: { username: 'imp', type: 'INDIVIDUAL' } })).createAccount.account!.id;
  await h.settle({}, 1, 120_000);
}, 120_000);
afterAll(() => h?.close());

/** A use case's context without runUseCase: no explicit transaction, so each flush commits by itself. */
const plainUseCase = (): UseCase => ({ em: h.orm.em.fork(), actor: systemActor('test'), audit: emptyAuditNote() });

test('a system user and a crontab line created with plain flushes are operations naming their new ids, and the host gets them', async () => {
  const before = (await h.orm.em.fork().find(Operation, {}, { orderBy: { id: 'desc' }, limit: 1 }))[0].id;

  const useCase = plainUseCase();
  const user = await createSystemUser(useCase, { accountId, username: 'imp_ftp' }); // flushes by itself
  const line = await createCrontab(useCase, { systemUserId: toGlobalId('SystemUser', user.id), minute: '*/7', command: 'echo implicit' });
  await useCase.em.flush();

  const ops = await h.settle({ id: { $gt: before } }, 2, 120_000);
  expect(ops.map((o) => [o.model, o.objectId, o.backend, o.state])).toEqual([
    ['SystemUser', user.id, 'system-users', RunState.SUCCESS],
    ['Crontab', line.id, 'crontabs', RunState.SUCCESS],
  ]);
  expect(await passwdEntry(h.hosts.implicithost, 'imp_ftp')).toMatch(/^imp_ftp:/);
  const onHost = await hostCrontab(h.hosts.implicithost, 'imp_ftp');
  expect(onHost).toContain('echo implicit');
  expect(onHost).toEqual(await expectedCrontab(h, 'imp_ftp'));
}, 300_000);
