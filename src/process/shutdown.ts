/**
 * Ordered, once-only shutdown of a process that owns servers, a Temporal worker or child processes.
 *
 * Steps run in reverse order of registration (last started, first stopped: the API before the worker, the worker
 * before the database it uses). Each step has a time limit, and a failing or hanging step does not keep the later
 * ones (stopping PostgreSQL and Temporal) from running.
 */
type Step = { name: string; run: () => unknown };

export class Shutdown {
  private readonly steps: Step[] = [];
  private running: Promise<never> | null = null;
  private holds: Promise<unknown>[] = [];
  private signalledAt = 0;

  constructor(
    private readonly log: (message: string) => void = (message) => console.error(message),
    private readonly stepTimeoutMs = 15_000,
  ) {}

  /** Registers a clean-up step, to be registered right after the thing it stops has started. */
  add(name: string, run: () => unknown): void {
    this.steps.push({ name, run });
  }

  /**
   * Delays the clean-up until `starting` settles, so a signal during start-up does not race a server that is still
   * coming up (and would otherwise be left running because its stop step was not registered yet).
   */
  holdUntil(starting: Promise<unknown>): void {
    this.holds.push(starting.catch(() => undefined));
  }

  get started(): boolean {
    return this.running !== null;
  }

  /**
   * Takes over the termination signals: this process stops in one order, ours. Listeners that libraries installed are
   * removed on purpose: one that stops a server or calls `process.exit()` would do it while the API and worker still
   * use it, and Apollo's own handler makes its `stop()` hang when we call it too. Call it again after start-up, when
   * every library has had its chance to install one. A second signal exits at once.
   */
  handleSignals(signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']): void {
    for (const signal of signals) {
      process.removeAllListeners(signal);
      process.on(signal, () => {
        if (this.running) {
          // One Ctrl-C under `npm start` arrives twice: from the terminal and relayed by npm. Only a later one forces.
          if (Date.now() - this.signalledAt < 1000) return;
          this.log(`${signal} again: exiting without waiting`);
          process.exit(130);
        }
        this.signalledAt = Date.now();
        this.log(`${signal}: shutting down (send it again to exit at once)`);
        void this.run(0);
      });
    }
  }

  /** Runs every step once, then exits with `exitCode` (1 if a step failed). Later calls return the same promise. */
  run(exitCode: number): Promise<never> {
    this.running ??= this.runSteps(exitCode);
    return this.running;
  }

  private async runSteps(exitCode: number): Promise<never> {
    await Promise.all(this.holds);
    const t0 = Date.now();
    let code = exitCode;
    for (const step of [...this.steps].reverse()) {
      try {
        await withTimeout(Promise.resolve().then(step.run), this.stepTimeoutMs);
      } catch (err) {
        this.log(`shutdown: ${step.name}: ${err instanceof Error ? err.message : String(err)}`);
        code ||= 1;
      }
    }
    this.log(`stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    process.exit(code);
  }
}

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not stop within ${ms / 1000} s`)), ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
