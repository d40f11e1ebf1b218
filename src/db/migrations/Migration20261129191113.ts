import { Migration } from '@mikro-orm/migrations';

export class Migration20261129191113 extends Migration {

  override name = 'Migration20261129191113';

  override up(): void | Promise<void> {
    this.addSql(`create index "bill_line_amended_line_id_index" on "bill_line" ("amended_line_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "bill_line_amended_line_id_index";`);
  }

}
