import { Migration } from '@mikro-orm/migrations';

/**
 * Invoicing's write of SEVERAL accounts in one statement (src/invoicing/run/invoice-accounts.ts, docs/architecture.md
 * §9a): `invoice_accounts(payloads)` calls `invoice_account` for each payload (an array, in the order given) inside a
 * block with an exception handler, i.e. a subtransaction per account: an account that raises is rolled back alone
 * (its bills, lines, sublines, order moves and its lock) and reported as `{"error": …, "sqlstate": …}`, the others are
 * kept; each account's result is `invoice_account`'s (`{"bill_ids": …}` or `{"changed": true}`), in the same order.
 * Called alone, the statement's implicit transaction commits the accounts that succeeded together. QUERY_CANCELED is
 * not caught (a cancelled statement writes nothing).
 */
export class Migration20261130054500 extends Migration {

  override name = 'Migration20261130054500';

  override up(): void | Promise<void> {
    this.addSql(`create or replace function invoice_accounts(payloads jsonb) returns jsonb language plpgsql as $fn$
declare
  v_payload jsonb;
  v_result jsonb;
  v_results jsonb := '[]'::jsonb;
begin
  for v_payload in select p from jsonb_array_elements(payloads) with ordinality as e(p, n) order by n loop
    begin
      v_result := invoice_account(v_payload);
    exception when others then
      v_result := jsonb_build_object('error', sqlerrm, 'sqlstate', sqlstate);
    end;
    v_results := v_results || jsonb_build_array(v_result);
  end loop;
  return v_results;
end
$fn$;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function invoice_accounts(jsonb);`);
  }

}
