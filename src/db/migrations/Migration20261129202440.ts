import { Migration } from '@mikro-orm/migrations';

export class Migration20261129202440 extends Migration {

  override name = 'Migration20261129202440';

  override up(): void | Promise<void> {
    this.addSql(`create index "script_run_server_id_id_index" on "script_run" ("server_id", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "script_run_server_id_id_index";`);
  }

}
