import { Migration } from '@mikro-orm/migrations';

export class Migration20261129105938 extends Migration {

  override name = 'Migration20261129105938';

  override up(): void | Promise<void> {
    this.addSql(`create type "spam_filter" as enum ('DISABLED', 'SUBJECT_TAG', 'MOVE_TO_SPAM', 'REJECT');`);
    this.addSql(`create table "address" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "name" varchar(64) not null, "domain_id" bigint not null, "mailboxes" text[] not null, "forwards" text[] not null, "autoresponse" jsonb null);`);
    this.addSql(`create index "address_account_id_index" on "address" ("account_id");`);
    this.addSql(`create index "address_domain_id_index" on "address" ("domain_id");`);
    this.addSql(`alter table "address" add constraint "address_name_domain_id_unique" unique ("name", "domain_id");`);

    this.addSql(`create table "mailbox" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "name" varchar(32) not null, "password_hash" text not null, "is_active" boolean not null default true, "spam_filter" "spam_filter" not null default 'MOVE_TO_SPAM', "custom_sieve" text null);`);
    this.addSql(`create index "mailbox_account_id_index" on "mailbox" ("account_id");`);
    this.addSql(`alter table "mailbox" add constraint "mailbox_name_unique" unique ("name");`);

    this.addSql(`alter table "address" add constraint "address_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
    this.addSql(`alter table "address" add constraint "address_domain_id_foreign" foreign key ("domain_id") references "domain" ("id") on delete cascade;`);

    this.addSql(`alter table "mailbox" add constraint "mailbox_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "address" cascade;`);
    this.addSql(`drop table if exists "mailbox" cascade;`);

    this.addSql(`drop type "spam_filter";`);
  }

}
