import { Migration } from '@mikro-orm/migrations';

export class Migration20261129080804 extends Migration {

  override name = 'Migration20261129080804';

  override up(): void | Promise<void> {
    this.addSql(`create table "domain" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "name" varchar(253) not null, "top_id" bigint null, "serial" bigint not null default '0', "refresh" int null, "retry" int null, "expire" int null, "min_ttl" int null);`);
    this.addSql(`create index "domain_account_id_index" on "domain" ("account_id");`);
    this.addSql(`alter table "domain" add constraint "domain_name_unique" unique ("name");`);
    this.addSql(`create index "domain_top_id_index" on "domain" ("top_id");`);

    this.addSql(`create table "domain_record" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "domain_id" bigint not null, "type" varchar(8) not null, "ttl" int null, "value" text not null);`);
    this.addSql(`create index "domain_record_account_id_index" on "domain_record" ("account_id");`);
    this.addSql(`create index "domain_record_domain_id_index" on "domain_record" ("domain_id");`);

    this.addSql(`alter table "domain" add constraint "domain_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
    this.addSql(`alter table "domain" add constraint "domain_top_id_foreign" foreign key ("top_id") references "domain" ("id") on delete set null;`);

    this.addSql(`alter table "domain_record" add constraint "domain_record_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
    this.addSql(`alter table "domain_record" add constraint "domain_record_domain_id_foreign" foreign key ("domain_id") references "domain" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "domain" drop constraint "domain_top_id_foreign";`);
    this.addSql(`alter table "domain_record" drop constraint "domain_record_domain_id_foreign";`);

    this.addSql(`drop table if exists "domain" cascade;`);
    this.addSql(`drop table if exists "domain_record" cascade;`);
  }

}
