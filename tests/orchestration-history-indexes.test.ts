/**
 * Statements that run for every change read operations and script runs by their run or batch: each claim and each
 * run's end (the operations of a run), every commit's wake (a batch's waiting script runs), the standup and GraphQL
 * views (the operations of a batch). The tables grow with every change ever made; without an index each of them scans
 * the whole history (bench/restart.ts: 100,000 finished operations). Asserted on PostgreSQL's plan with sequential
 * scans priced out: an index condition on the column, whatever the index is called.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createTestDatabase } from './support/database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

async function plan(sql: string): Promise<string> {
  const em = db.orm.em.fork() as EntityManager;
  return em.transactional(async (tx) => {
    await tx.execute('set local enable_seqscan = off');
    const rows: { 'QUERY PLAN': string }[] = await tx.execute(`explain ${sql}`);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

test.each([
  ['the operations of a run (claimNextRun, the run store)', 'select id from operation where run_id in (1, 2)', 'run_id'],
  ['the operations of a batch (standup, GraphQL batch operations)', 'select id from operation where batch_id in (1, 2)', 'batch_id'],
  ["a batch's waiting script runs (every commit's wake)", "select id from script_run where batch_id = 1 and state = 'RECEIVED'", 'batch_id'],
])('%s: read through an index, not a scan of the whole history', async (_what, sql, column) => {
  const text = await plan(sql);
  expect(text).toMatch(new RegExp(`Index Cond: \\(+${column} `));
  expect(text).not.toContain('Seq Scan');
});
