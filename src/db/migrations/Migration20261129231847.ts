import { Migration } from '@mikro-orm/migrations';

/**
 * Invoicing's write as ONE statement per account (src/invoicing/run/invoice-account.ts, docs/architecture.md §9a):
 * - `invoicing_inputs_fingerprint(account)`: the digest of everything invoicing reads of an account (every column of
 *   its orders, their metric rows, its contracted plans, its orders' services and their rates and plans), the one
 *   definition the run's page and the check under the lock both use. PL/pgSQL so its plans are cached per connection.
 * - `invoice_account(payload)`: locks the account's row, re-checks the digest the inputs were read with (each statement
 *   of a volatile function takes a fresh snapshot, so after waiting for another run's lock it sees that run's commit),
 *   then writes the computed bills (the open one of a type reused or a new one), their lines and sublines, and moves
 *   the orders; returns `{"bill_ids": [...]}`, or `{"changed": true}` with nothing written. Input that does not belong
 *   to the account (an order of another account, a subline of no line, a move of no order of it) raises: the whole
 *   statement, so the whole account, is rolled back. With `asynchronous_commit` it sets `synchronous_commit = off`
 *   for its transaction: called alone, its own implicit transaction, whose commit then does not wait for the WAL.
 */
export class Migration20261129231847 extends Migration {

  override name = 'Migration20261129231847';

  override up(): void | Promise<void> {
    this.addSql(`create or replace function invoicing_inputs_fingerprint(p_account bigint) returns text language plpgsql stable as $fn$
begin
  return md5(concat_ws('|',
    (select string_agg(x::text, ',' order by x.id) from billing_order x where x.account_id = p_account),
    (select string_agg(m::text, ',' order by m.id) from order_metric m join billing_order x on x.id = m.order_id where x.account_id = p_account),
    (select string_agg(c::text, ',' order by c.id) from contracted_plan c where c.account_id = p_account),
    (select string_agg(s::text, ',' order by s.id) from service s where s.id in (select x.service_id from billing_order x where x.account_id = p_account)),
    (select string_agg(r::text || p::text, ',' order by r.id) from rate r join plan p on p.id = r.plan_id
      where r.service_id in (select x.service_id from billing_order x where x.account_id = p_account))));
end
$fn$;`);
    this.addSql(`create or replace function invoice_account(payload jsonb) returns jsonb language plpgsql as $fn$
declare
  v_account bigint := (payload->>'account_id')::bigint;
  v_bill_group jsonb;
  v_bill bigint;
  v_bill_ids jsonb := '[]'::jsonb;
  v_lines bigint;
  v_sublines bigint;
  v_moved bigint;
begin
  perform 1 from account where id = v_account for update;
  if not found then
    raise exception 'invoice_account: no account %', v_account using errcode = 'foreign_key_violation';
  end if;
  if (payload->>'asynchronous_commit')::boolean then
    perform set_config('synchronous_commit', 'off', true);
  end if;
  if payload->>'fingerprint' is not null and invoicing_inputs_fingerprint(v_account) <> payload->>'fingerprint' then
    return jsonb_build_object('changed', true);
  end if;
  if exists (select 1 from jsonb_array_elements(payload->'bills') g, jsonb_to_recordset(g->'lines') as v(order_id bigint)
              where v.order_id is not null and not exists (select 1 from billing_order o where o.id = v.order_id and o.account_id = v_account)) then
    raise exception 'invoice_account: a line of account % bills an order of another account', v_account using errcode = 'check_violation';
  end if;
  for v_bill_group in select g from jsonb_array_elements(payload->'bills') g loop
    v_bill := null;
    if (v_bill_group->>'reuse_open')::boolean then
      update bill set updated_at = now()
       where id = (select b.id from bill b where b.account_id = v_account and b.type = (v_bill_group->>'type')::bill_type and b.is_open order by b.id desc limit 1)
      returning id into v_bill;
    end if;
    if v_bill is null then
      insert into bill (created_at, updated_at, account_id, type, is_open, is_sent, comments, language)
      select now(), now(), a.id, (v_bill_group->>'type')::bill_type, true, false, '', a.language from account a where a.id = v_account
      returning id into v_bill;
    end if;
    with v as materialized (
      select nextval('bill_line_id_seq') as id, v.*
        from jsonb_to_recordset(v_bill_group->'lines') as v(k int, order_id bigint, description text, rate numeric, quantity numeric, verbose_quantity text,
             subtotal numeric, tax_rate numeric, start_on date, end_on date, order_billed_on date, order_billed_until date, order_billed_metric numeric, givers jsonb)),
    lines as (
      insert into bill_line (id, created_at, updated_at, bill_id, account_id, order_id, description, rate, quantity, verbose_quantity, subtotal, tax_rate,
                             start_on, end_on, order_billed_on, order_billed_until, order_billed_metric, givers)
      select v.id, now(), now(), v_bill, v_account, v.order_id, v.description, v.rate, v.quantity, v.verbose_quantity, v.subtotal, v.tax_rate,
             v.start_on, v.end_on, v.order_billed_on, v.order_billed_until, v.order_billed_metric, v.givers
        from v
      returning 1),
    sublines as (
      insert into bill_subline (created_at, updated_at, line_id, account_id, type, description, total)
      select now(), now(), v.id, v_account, s.type::bill_subline_type, s.description, s.total
        from jsonb_to_recordset(v_bill_group->'sublines') as s(k int, type text, description text, total numeric) join v on v.k = s.k
      returning 1)
    select (select count(*) from lines), (select count(*) from sublines) into v_lines, v_sublines;
    if v_sublines <> jsonb_array_length(v_bill_group->'sublines') then
      raise exception 'invoice_account: a subline of account % belongs to no line', v_account using errcode = 'check_violation';
    end if;
    v_bill_ids := v_bill_ids || to_jsonb(v_bill::text);
  end loop;
  update billing_order o set billed_on = case when v.billed then (payload->>'today')::date else o.billed_on end,
         billed_until = v.billed_until, billed_metric = v.billed_metric, updated_at = now()
    from jsonb_to_recordset(payload->'moves') as v(id bigint, billed boolean, billed_until date, billed_metric numeric)
   where o.id = v.id and o.account_id = v_account;
  get diagnostics v_moved = row_count;
  -- An order may be moved twice in the input (a line's order that also gave prepaid time): counted once.
  if v_moved <> (select count(distinct e->>'id') from jsonb_array_elements(payload->'moves') e) then
    raise exception 'invoice_account: a move of account % is of no order of it', v_account using errcode = 'check_violation';
  end if;
  return jsonb_build_object('bill_ids', v_bill_ids);
end
$fn$;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function invoice_account(jsonb);`);
    this.addSql(`drop function invoicing_inputs_fingerprint(bigint);`);
  }

}
