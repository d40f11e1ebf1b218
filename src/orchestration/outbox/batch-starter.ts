/**
 * Starts a committed batch's workflow. Behind an interface so the outbox and its relay are testable without
 * Temporal, and so Temporal being down at commit is just an error the relay recovers from.
 */
export interface BatchStarter {
  /** Idempotent: starting an already started batch is not an error. */
  start(batchId: string): Promise<void>;
}
