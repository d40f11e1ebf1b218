import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Marks woken batches started (`batch.started_at`: the relay's "this batch's queues were woken"), the batches of the
 * commits woken close together in ONE statement: under load each commit's own update was a statement per change
 * (issue 17). A mark waits `windowMs` for others, and for an earlier update still under way. Only batches whose wake
 * was sent come here; a process that dies before their update leaves them unmarked, and the relay, which leaves
 * batches younger than 5 s alone (relay.ts), wakes their queues again: waking is idempotent.
 */
export class StartedMarks {
  private waiting: string[] = [];
  private round: Promise<void> | null = null;
  private sending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly em: EntityManager,
    private readonly windowMs = 50,
  ) {}

  /** Resolves once the statement that marked `batchIds` returned (rejects with its error: the relay's then). */
  mark(batchIds: readonly string[]): Promise<void> {
    this.waiting.push(...batchIds);
    this.round ??= this.nextRound();
    return this.round;
  }

  private async nextRound(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.windowMs));
    await this.sending.catch(() => undefined);
    // Marks added until here ride with this round; later ones start the next.
    const ids = this.waiting;
    this.waiting = [];
    this.round = null;
    this.sending = this.em
      .getConnection()
      .execute('update "batch" set "started_at" = ?::timestamptz where "id" = any(?::bigint[]) and "started_at" is null', [new Date().toISOString(), `{${ids.join(',')}}`], 'run');
    await this.sending;
  }
}
