import { recordRunOutcomes, type RunOutcomeRow } from '../../orchestration/run-store.js';
import { hasRunReport, recordRunReport } from '../../orchestration/run-reports.js';
import { log } from '../../observability/logger.js';
import type { Em } from './claim-attempt.js';

/**
 * A claim's outcomes written as they come, several per statement: while one write is in flight the next ones gather.
 * What the runs reported about their objects (certificates' metadata) is stored after; a failure there must not redo
 * the script.
 */
export class OutcomeWriter {
  private pending: RunOutcomeRow[] = [];
  private flushing: Promise<void> | null = null;
  private failure: unknown = null;
  private readonly reports: Promise<void>[] = [];

  constructor(private readonly em: Em) {}

  add(row: RunOutcomeRow): void {
    this.pending.push(row);
    this.flushing ??= this.flush();
  }

  report(runId: string, backend: string, stdout: string): void {
    if (!hasRunReport(backend)) return;
    this.reports.push(recordRunReport(this.em.fork(), runId, backend, stdout).catch((err: unknown) => log.warn({ err }, 'run report not stored')));
  }

  /** Waits for every outcome to be written (thrown if one could not be: the attempt is retried). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
    await Promise.all(this.reports);
    if (this.failure) throw this.failure;
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length) await recordRunOutcomes(this.em, this.pending.splice(0));
    } catch (err) {
      this.failure ??= err;
    } finally {
      this.flushing = null;
    }
  }
}
