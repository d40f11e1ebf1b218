import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A STARTED run whose heartbeat is older than this does not count as a claim running: its server is woken. (A claim
 * refreshes it when it starts, as its output comes and when a section ends.)
 */
const CLAIM_RUNNING_HEARTBEAT_MS = 10_000;

/**
 * After commit, in ONE statement for the commits that come close together: marks their batches started
 * (`batch.started_at`, the relay's "this batch was handed to its queues") and finds which of their servers have no
 * claim running, the only ones their committing requests then wake (temporal-batch-starter.ts). A round is sent at
 * once when none is under way (a commit's wake is never held back), and the commits that arrive while one is under
 * way ride the next round (issue 17: one mark statement per commit under load; a commit of another request in the
 * same tick rides too). The claims are seen after every commit of the round, which is what makes a skipped wake
 * safe. A process that dies between the mark and its wakes leaves scripts RECEIVED and no wake: the relay wakes
 * servers whose scripts waited too long (relay.ts).
 */
export class StartedMarks {
  private waiting = { batchIds: new Set<string>(), serverIds: new Set<string>() };
  private round: Promise<Set<string>> | null = null;
  private sending: Promise<unknown> = Promise.resolve();

  constructor(private readonly em: EntityManager) {}

  /** Resolves, once the round's statement returned, with the servers among its round's that have no claim running. */
  mark(batchIds: readonly string[], serverIds: readonly string[]): Promise<Set<string>> {
    for (const id of batchIds) this.waiting.batchIds.add(id);
    for (const id of serverIds) this.waiting.serverIds.add(id);
    this.round ??= this.nextRound();
    return this.round;
  }

  private async nextRound(): Promise<Set<string>> {
    // The other commits of this tick, then the round under way, if any: what arrives until then rides along.
    await new Promise((resolve) => setImmediate(resolve));
    await this.sending.catch(() => undefined);
    const { batchIds, serverIds } = this.waiting;
    this.waiting = { batchIds: new Set(), serverIds: new Set() };
    this.round = null;
    const sent = this.em.getConnection().execute<{ id: string }[]>(
      `with "marked" as (update "batch" set "started_at" = ?::timestamptz where "id" = any(?::bigint[]) and "started_at" is null)
       select s."id"::text as id from unnest(?::bigint[]) as s("id")
        where not exists (select 1 from "script_run" r where r."server_id" = s."id" and r."state" = 'STARTED' and r."heartbeat_at" > now() - make_interval(secs => ?))`,
      [new Date().toISOString(), `{${[...batchIds].join(',')}}`, `{${[...serverIds].join(',')}}`, CLAIM_RUNNING_HEARTBEAT_MS / 1000],
      'all',
    );
    this.sending = sent;
    return new Set((await sent).map((row) => row.id));
  }
}
