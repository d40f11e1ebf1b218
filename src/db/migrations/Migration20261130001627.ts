import { Migration } from '@mikro-orm/migrations';

export class Migration20261130001627 extends Migration {

  override name = 'Migration20261130001627';

  override up(): void | Promise<void> {
    this.addSql(`create index "script_run_batch_id_index" on "script_run" ("batch_id");`);

    this.addSql(`create index "operation_batch_id_index" on "operation" ("batch_id");`);
    this.addSql(`create index "operation_run_id_index" on "operation" ("run_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "operation_batch_id_index";`);
    this.addSql(`drop index "operation_run_id_index";`);

    this.addSql(`drop index "script_run_batch_id_index";`);
  }

}
