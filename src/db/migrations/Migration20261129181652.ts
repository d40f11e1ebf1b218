import { Migration } from '@mikro-orm/migrations';

export class Migration20261129181652 extends Migration {

  override name = 'Migration20261129181652';

  override up(): void | Promise<void> {
    this.addSql(`alter table "website" add "certificate" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "website" drop column "certificate";`);
  }

}
