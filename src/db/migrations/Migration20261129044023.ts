import { Migration } from '@mikro-orm/migrations';

export class Migration20261129044023 extends Migration {

  override name = 'Migration20261129044023';

  override up(): void | Promise<void> {
    this.addSql(`create table "login_attempt" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "username" varchar(64) not null, "address" varchar(64) null);`);
    this.addSql(`create index "login_attempt_created_at_index" on "login_attempt" ("created_at");`);
    this.addSql(`create index "login_attempt_address_created_at_index" on "login_attempt" ("address", "created_at");`);
    this.addSql(`create index "login_attempt_username_created_at_index" on "login_attempt" ("username", "created_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "login_attempt" cascade;`);
  }

}
