import { Migration } from '@mikro-orm/migrations';

export class Migration20261129071500 extends Migration {

  override name = 'Migration20261129071500';

  override up(): void | Promise<void> {
    this.addSql(`alter table "script_run" rename column "run_id" to "workflow_run_id";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "script_run" rename column "workflow_run_id" to "run_id";`);
  }

}
