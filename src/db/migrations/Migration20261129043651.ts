import { Migration } from '@mikro-orm/migrations';

export class Migration20261129043651 extends Migration {

  override name = 'Migration20261129043651';

  override up(): void | Promise<void> {
    this.addSql(`alter table "user" add "session_generation" int not null default 0;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "user" drop column "session_generation";`);
  }

}
