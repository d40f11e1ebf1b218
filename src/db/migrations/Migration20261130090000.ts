import { Migration } from '@mikro-orm/migrations';

/**
 * `server_positions_after_locks_reserving(lock_space, lock_ids, read_ids, runs, operations)`: what
 * `server_positions_after_locks` (migration 20261130060000) does — the servers' outbox locks in ascending id, then the
 * positions of `read_ids` read with a fresh snapshot — and then, still under those locks, the ids of a batch of `runs`
 * script runs and `operations` operations from the three sequences (ascending), on every row. The collector's kept
 * first plan takes its ids here instead of in a statement of their own (src/orchestration/outbox/server-locks.ts):
 * one round trip fewer per commit. `server_positions_after_locks` stays for API processes of the release before.
 */
export class Migration20261130090000 extends Migration {

  override name = 'Migration20261130090000';

  override up(): void | Promise<void> {
    this.addSql(`create or replace function server_positions_after_locks_reserving(lock_space integer, lock_ids bigint[], read_ids bigint[], runs integer, operations integer)
  returns table (locked_server bigint, server_position bigint, batch_id bigint, run_ids bigint[], operation_ids bigint[]) language plpgsql volatile as $fn$
declare
  v_id bigint;
  v_batch bigint;
  v_runs bigint[];
  v_operations bigint[];
begin
  for v_id in select distinct x from unnest(lock_ids) as x order by x loop
    perform pg_advisory_xact_lock(lock_space, v_id::integer);
  end loop;
  v_batch := nextval(pg_get_serial_sequence('batch', 'id'));
  v_runs := array(select v from (select nextval(pg_get_serial_sequence('script_run', 'id')) as v from generate_series(1, runs)) s order by v);
  v_operations := array(select v from (select nextval(pg_get_serial_sequence('operation', 'id')) as v from generate_series(1, operations)) s order by v);
  return query select s.id, (select max(r.id) from script_run r where r.server_id = s.id), v_batch, v_runs, v_operations from unnest(read_ids) as s(id);
end
$fn$;`);
  }

  override down(): void | Promise<void> {
    this.addSql('drop function server_positions_after_locks_reserving(integer, bigint[], bigint[], integer, integer);');
  }

}
