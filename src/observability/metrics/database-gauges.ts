import type { EntityManager } from '@mikro-orm/postgresql';
import { Gauge, Registry } from 'prom-client';

/** Not final: what a server's queue still holds (states of src/entities/orchestration/run-state.ts). */
const OPEN_STATES = `('RECEIVED', 'STARTED', 'RETRYING')`;

/**
 * Queries run when Prometheus scrapes: the operations by state, each server's queue (its depth, the age of its oldest
 * open script, its RETRYING scripts, whether its host key changed) and the relay's lag (committed batches not started
 * yet). One grouped statement each, on indexed columns (script_run (server, state), batch.started_at); the
 * operations' count scans that table, which stays cheap at the scrape interval for millions of rows.
 */
const SQL = {
  operations: `select state, count(*)::int as n from operation group by state`,
  servers: `select s.name,
      count(r.id)::int as depth,
      coalesce(extract(epoch from now() - min(r.created_at)), 0)::float as oldest,
      count(r.id) filter (where r.state = 'RETRYING')::int as retrying,
      (s.host_key_presented is not null) as key_changed,
      (s.host_key_fingerprint is null) as untrusted
    from server s left join script_run r on r.server_id = s.id and r.state in ${OPEN_STATES}
    group by s.id, s.name`,
  relay: `select count(*)::int as n, coalesce(extract(epoch from now() - min(created_at)), 0)::float as oldest
    from batch where started_at is null`,
};

interface ServerRow { name: string; depth: number; oldest: number; retrying: number; key_changed: boolean; untrusted: boolean }

/**
 * A registry whose gauges read the database at each scrape (the API's /metrics). Built per ORM, so a process with two
 * (tests) keeps them apart. A scrape reads everything once, in parallel, and every gauge sets from that reading.
 */
export function databaseGaugesRegistry(em: EntityManager): Registry {
  const registry = new Registry();
  let reading: Promise<{ operations: { state: string; n: number }[]; servers: ServerRow[]; relay: { n: number; oldest: number } }> | null = null;
  // The gauges' collect() calls of one scrape share one reading.
  const read = () => {
    reading ??= (async () => {
      const conn = em.fork().getConnection();
      const [operations, servers, relay] = await Promise.all([
        conn.execute<{ state: string; n: number }[]>(SQL.operations),
        conn.execute<ServerRow[]>(SQL.servers),
        conn.execute<{ n: number; oldest: number }[]>(SQL.relay),
      ]);
      return { operations, servers, relay: relay[0] };
    })().finally(() => setImmediate(() => (reading = null)));
    return reading;
  };
  new Gauge({
    name: 'orchestra_operations', help: 'Operations by state (database)', labelNames: ['state'] as const, registers: [registry],
    async collect() {
      this.reset();
      for (const row of (await read()).operations) this.set({ state: row.state }, row.n);
    },
  });
  const perServer = (name: string, help: string, value: (row: ServerRow) => number) =>
    new Gauge({
      name, help, labelNames: ['server'] as const, registers: [registry],
      async collect() {
        this.reset();
        for (const row of (await read()).servers) this.set({ server: row.name }, value(row));
      },
    });
  perServer('orchestra_server_queue_depth', 'Scripts of the server not final yet: RECEIVED, STARTED, RETRYING (database)', (r) => r.depth);
  perServer('orchestra_server_queue_oldest_age_seconds', 'Age of the oldest script of the server not final yet; 0 when none (database)', (r) => r.oldest);
  perServer('orchestra_server_retrying_scripts', 'Scripts of the server RETRYING now (database)', (r) => r.retrying);
  perServer('orchestra_server_host_key_changed', '1 while the server presented another host key than the pinned one: nothing runs there (database)', (r) => Number(r.key_changed));
  perServer('orchestra_server_host_key_untrusted', '1 while no host key of the server was ever trusted: nothing runs there (database)', (r) => Number(r.untrusted));
  new Gauge({
    name: 'orchestra_relay_unstarted_batches', help: 'Committed batches whose queues were not woken yet (database)', registers: [registry],
    async collect() {
      this.set((await read()).relay.n);
    },
  });
  new Gauge({
    name: 'orchestra_relay_oldest_unstarted_age_seconds', help: 'Age of the oldest committed batch not started yet; 0 when none (database)', registers: [registry],
    async collect() {
      this.set((await read()).relay.oldest);
    },
  });
  return registry;
}
