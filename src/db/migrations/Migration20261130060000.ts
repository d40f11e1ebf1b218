import { Migration } from '@mikro-orm/migrations';

/**
 * `server_positions_after_locks(lock_space, lock_ids, read_ids)`: takes the outbox lock of each server of `lock_ids`
 * (`pg_advisory_xact_lock(lock_space, id)`, in ascending id), then returns the queue position (last script run id) of
 * each server of `read_ids` — one round trip where the collector made two (src/orchestration/outbox/server-locks.ts).
 * The read must see every commit the locks waited for: each statement of a volatile PL/pgSQL function takes a fresh
 * snapshot under READ COMMITTED, where a single SQL statement would read with the snapshot it took before waiting.
 */
export class Migration20261130060000 extends Migration {

  override name = 'Migration20261130060000';

  override up(): void | Promise<void> {
    this.addSql(`create or replace function server_positions_after_locks(lock_space integer, lock_ids bigint[], read_ids bigint[])
  returns table (locked_server bigint, server_position bigint) language plpgsql volatile as $fn$
declare
  v_id bigint;
begin
  for v_id in select distinct x from unnest(lock_ids) as x order by x loop
    perform pg_advisory_xact_lock(lock_space, v_id::integer);
  end loop;
  return query select s.id, (select max(r.id) from script_run r where r.server_id = s.id) from unnest(read_ids) as s(id);
end
$fn$;`);
  }

  override down(): void | Promise<void> {
    this.addSql('drop function server_positions_after_locks(integer, bigint[], bigint[]);');
  }

}
