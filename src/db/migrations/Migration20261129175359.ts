import { Migration } from '@mikro-orm/migrations';

export class Migration20261129175359 extends Migration {

  override name = 'Migration20261129175359';

  override up(): void | Promise<void> {
    this.addSql(`alter type "web_app_type" add value if not exists 'PROCESS' after 'SYMBOLIC_LINK';`);
  }

}
