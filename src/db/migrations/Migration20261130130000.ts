import { Migration } from '@mikro-orm/migrations';

/**
 * `reserve_outbox_ids(runs, operations)`: the ids of a batch of `runs` script runs and `operations` operations from the
 * three sequences, each list ascending as numbers. The one place that hands them out: `reserveOutboxIds`
 * (src/orchestration/outbox/outbox-rows.ts) calls it, and `server_positions_after_locks_reserving` (migration
 * 20261130090000, which wrote the same three `nextval`s out again) now calls it under the servers' locks. Same ids,
 * same statements per commit.
 */
export class Migration20261130130000 extends Migration {

  override name = 'Migration20261130130000';

  override up(): void | Promise<void> {
    this.addSql(`create or replace function reserve_outbox_ids(runs integer, operations integer, out batch_id bigint, out run_ids bigint[], out operation_ids bigint[])
  language sql volatile as $fn$
  select nextval(pg_get_serial_sequence('batch', 'id')),
         array(select v from (select nextval(pg_get_serial_sequence('script_run', 'id')) as v from generate_series(1, runs)) s order by v),
         array(select v from (select nextval(pg_get_serial_sequence('operation', 'id')) as v from generate_series(1, operations)) s order by v)
$fn$;`);
    this.addSql(reservingFunction(`select r.batch_id, r.run_ids, r.operation_ids into v_batch, v_runs, v_operations from reserve_outbox_ids(runs, operations) r;`));
  }

  override down(): void | Promise<void> {
    this.addSql(reservingFunction(`v_batch := nextval(pg_get_serial_sequence('batch', 'id'));
  v_runs := array(select v from (select nextval(pg_get_serial_sequence('script_run', 'id')) as v from generate_series(1, runs)) s order by v);
  v_operations := array(select v from (select nextval(pg_get_serial_sequence('operation', 'id')) as v from generate_series(1, operations)) s order by v);`));
    this.addSql('drop function reserve_outbox_ids(integer, integer);');
  }

}

/** `server_positions_after_locks_reserving` (migration 20261130090000) with `reserve` as its ids' hand-out. */
function reservingFunction(reserve: string): string {
  return `create or replace function server_positions_after_locks_reserving(lock_space integer, lock_ids bigint[], read_ids bigint[], runs integer, operations integer)
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
  ${reserve}
  return query select s.id, (select max(r.id) from script_run r where r.server_id = s.id), v_batch, v_runs, v_operations from unnest(read_ids) as s(id);
end
$fn$;`;
}
