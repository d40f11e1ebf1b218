import { Migration } from '@mikro-orm/migrations';

export class Migration20261129080659 extends Migration {

  override name = 'Migration20261129080659';

  override up(): void | Promise<void> {
    this.addSql(`create type "database_type" as enum ('mariadb', 'postgresql');`);
    this.addSql(`create table "database" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "name" varchar(63) not null, "type" "database_type" not null, "users" text[] not null);`);
    this.addSql(`create index "database_account_id_index" on "database" ("account_id");`);
    this.addSql(`alter table "database" add constraint "database_name_type_unique" unique ("name", "type");`);

    this.addSql(`create table "database_user" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "username" varchar(32) not null, "type" "database_type" not null, "password_hash" text not null);`);
    this.addSql(`create index "database_user_account_id_index" on "database_user" ("account_id");`);
    this.addSql(`alter table "database_user" add constraint "database_user_username_type_unique" unique ("username", "type");`);

    this.addSql(`alter table "database" add constraint "database_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "database_user" add constraint "database_user_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "database" cascade;`);
    this.addSql(`drop table if exists "database_user" cascade;`);

    this.addSql(`drop type "database_type";`);
  }

}
