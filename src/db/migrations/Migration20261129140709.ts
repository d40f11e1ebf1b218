import { Migration } from '@mikro-orm/migrations';

export class Migration20261129140709 extends Migration {

  override name = 'Migration20261129140709';

  override up(): void | Promise<void> {
    this.addSql(`create type "web_app_type" as enum ('STATIC', 'PHP', 'SYMBOLIC_LINK');`);
    this.addSql(`create type "website_protocol" as enum ('HTTP', 'HTTPS', 'HTTP_AND_HTTPS', 'HTTPS_ONLY');`);
    this.addSql(`create table "web_app" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "name" varchar(64) not null, "type" "web_app_type" not null, "php_version" varchar(8) null, "options" jsonb not null);`);
    this.addSql(`create index "web_app_account_id_index" on "web_app" ("account_id");`);
    this.addSql(`alter table "web_app" add constraint "web_app_account_id_name_unique" unique ("account_id", "name");`);

    this.addSql(`create table "website" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "name" varchar(64) not null, "protocol" "website_protocol" not null default 'HTTP', "domains" text[] not null, "contents" jsonb not null, "directives" jsonb not null, "is_active" boolean not null default true);`);
    this.addSql(`create index "website_account_id_index" on "website" ("account_id");`);
    this.addSql(`alter table "website" add constraint "website_account_id_name_unique" unique ("account_id", "name");`);

    this.addSql(`alter table "web_app" add constraint "web_app_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "website" add constraint "website_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "web_app" cascade;`);
    this.addSql(`drop table if exists "website" cascade;`);

    this.addSql(`drop type "web_app_type";`);
    this.addSql(`drop type "website_protocol";`);
  }

}
