import { EventEmitter, on } from 'node:events';
import pg from 'pg';

/** The PostgreSQL channel run-state changes are announced on (src/orchestration/run-store.ts). */
export const RUN_STATE_CHANNEL = 'orchestra_run_state';

export interface RunStateEvent {
  runId: string;
  state: string;
}

/**
 * Run-state changes as they commit, from any process (workers write them): PostgreSQL LISTEN/NOTIFY on one
 * dedicated connection per API process, fanned out to subscribers. Reconnects if the connection drops.
 */
export class RunStateFeed {
  private readonly events = new EventEmitter();
  private client: pg.Client | null = null;
  private closed = false;

  constructor(private readonly databaseUrl: string) {
    this.events.setMaxListeners(0);
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (msg) => {
      try {
        this.events.emit('event', JSON.parse(msg.payload ?? '') as RunStateEvent);
      } catch {
        // not ours
      }
    });
    client.on('error', () => this.reconnect());
    await client.connect();
    await client.query(`LISTEN ${RUN_STATE_CHANNEL}`);
    this.client = client;
  }

  private reconnect(): void {
    if (this.closed) return;
    this.client = null;
    setTimeout(() => void this.start().catch(() => this.reconnect()), 1000).unref();
  }

  /** Events until `signal` aborts. */
  async *subscribe(signal: AbortSignal): AsyncGenerator<RunStateEvent> {
    try {
      for await (const [event] of on(this.events, 'event', { signal })) yield event as RunStateEvent;
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end();
  }
}
