import { Migration } from '@mikro-orm/migrations';

export class Migration20261129135444 extends Migration {

  override name = 'Migration20261129135444';

  override up(): void | Promise<void> {
    this.addSql(`alter table "batch" add "request_id" varchar(64) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "batch" drop column "request_id";`);
  }

}
