/**
 * A FIFO counting semaphore: how the pool caps channels per connection and queues the rest in arrival order
 * (arrival order matters: a server's scripts are submitted in commit order). A waiter can give up (abort signal or
 * deadline) without disturbing the others.
 */
export class Semaphore {
  private inUse = 0;
  private readonly waiters: Array<{ grant: () => void; reject: (err: unknown) => void }> = [];

  constructor(readonly capacity: number) {}

  get active(): number {
    return this.inUse;
  }

  get queued(): number {
    return this.waiters.length;
  }

  /**
   * Resolves with a release function once a slot is free. Rejects with `onGiveUp()`'s error if `signal` aborts
   * first; `cancel` lets the caller give up for other reasons (a deadline) the same way.
   */
  acquire(signal?: AbortSignal, onGiveUp: () => unknown = () => signal?.reason): { slot: Promise<() => void>; cancel: (err: unknown) => void } {
    let cancel: (err: unknown) => void = () => {};
    const slot = new Promise<() => void>((resolve, reject) => {
      if (signal?.aborted) return reject(onGiveUp());
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
        reject,
      };
      const giveUp = (err: unknown) => {
        const i = this.waiters.indexOf(waiter);
        if (i < 0) return; // already granted
        this.waiters.splice(i, 1);
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      };
      const onAbort = () => giveUp(onGiveUp());
      cancel = giveUp;
      if (this.inUse < this.capacity) {
        this.inUse++;
        waiter.grant();
        return;
      }
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    return { slot, cancel: (err) => cancel(err) };
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next.grant(); // the slot passes straight on, inUse unchanged
      else this.inUse--;
    };
  }
}
