import { Migration } from '@mikro-orm/migrations';

export class Migration20261129140113 extends Migration {

  override name = 'Migration20261129140113';

  override up(): void | Promise<void> {
    this.addSql(`create table "mailing_list" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "name" varchar(64) not null, "address_name" varchar(64) not null, "domain_id" bigint not null, "admin_email" varchar(254) not null, "password_hash" text not null, "is_active" boolean not null default true);`);
    this.addSql(`create index "mailing_list_account_id_index" on "mailing_list" ("account_id");`);
    this.addSql(`alter table "mailing_list" add constraint "mailing_list_name_unique" unique ("name");`);
    this.addSql(`create index "mailing_list_domain_id_index" on "mailing_list" ("domain_id");`);
    this.addSql(`alter table "mailing_list" add constraint "mailing_list_address_name_domain_id_unique" unique ("address_name", "domain_id");`);

    this.addSql(`alter table "mailing_list" add constraint "mailing_list_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
    this.addSql(`alter table "mailing_list" add constraint "mailing_list_domain_id_foreign" foreign key ("domain_id") references "domain" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "mailing_list" cascade;`);
  }

}
