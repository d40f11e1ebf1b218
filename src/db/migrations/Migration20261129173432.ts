import { Migration } from '@mikro-orm/migrations';

export class Migration20261129173432 extends Migration {

  override name = 'Migration20261129173432';

  override up(): void | Promise<void> {
    this.addSql(`alter table "batch" add "trace_parent" varchar(55) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "batch" drop column "trace_parent";`);
  }

}
