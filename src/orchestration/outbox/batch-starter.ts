import type { WrittenBatch } from './outbox-binding.js';

/**
 * Starts a committed batch's workflow. Behind an interface so the outbox and its relay are testable without
 * Temporal, and so Temporal being down at commit is just an error the relay recovers from.
 */
export interface BatchStarter {
  /** Idempotent: starting an already started batch is not an error. */
  start(batchId: string): Promise<void>;
  /**
   * The batches a transaction just committed, whose servers the committing process knows (it wrote them): each
   * server woken once however many batches name it, then the batches marked started. Without it, `start` each.
   */
  startWritten?(batches: readonly WrittenBatch[]): Promise<void>;
  /**
   * Wakes the queue of every server with a script waiting longer than `olderThanMs` (the relay's safety net for a wake
   * that never came: see startWritten). Returns how many servers it woke.
   */
  wakeWaiting?(olderThanMs: number): Promise<number>;
}
