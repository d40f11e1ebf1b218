import { Migration } from '@mikro-orm/migrations';

export class Migration20261129175128 extends Migration {

  override name = 'Migration20261129175128';

  override up(): void | Promise<void> {
    this.addSql(`alter table "bill_line" add constraint "bill_line_negative_only_amending" check ((subtotal >= 0 and rate >= 0) or amended_line_id is not null);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "bill_line" drop constraint "bill_line_negative_only_amending";`);
  }

}
