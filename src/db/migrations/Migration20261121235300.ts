import { Migration } from '@mikro-orm/migrations';

export class Migration20261121235300 extends Migration {

  override name = 'Migration20261121235300';

  override up(): void | Promise<void> {
    this.addSql(`create type "account_type" as enum ('INDIVIDUAL', 'ASSOCIATION', 'CUSTOMER', 'COMPANY', 'PUBLICBODY', 'STAFF', 'FRIEND');`);
    this.addSql(`create type "audit_outcome" as enum ('OK', 'REJECTED', 'ERROR');`);
    this.addSql(`create type "email_usage" as enum ('SUPPORT', 'ADMIN', 'BILLING', 'TECH', 'ADDS', 'EMERGENCY');`);
    this.addSql(`create table "account" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "username" varchar(32) not null, "type" "account_type" not null default 'INDIVIDUAL', "language" varchar(2) not null default 'en', "is_active" boolean not null default true, "short_name" varchar(64) not null default '', "full_name" varchar(256) not null default '', "comments" text not null default '');`);
    this.addSql(`alter table "account" add constraint "account_username_unique" unique ("username");`);

    this.addSql(`create table "audit_entry" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint null, "account_username" varchar(32) null, "user_id" bigint null, "actor" varchar(32) not null, "api_token_id" bigint null, "operation" varchar(64) not null, "object_ids" text[] not null, "changed_fields" text[] not null, "outcome" "audit_outcome" not null, "client_address" varchar(64) null, "user_agent" varchar(256) null);`);
    this.addSql(`create index "audit_entry_operation_index" on "audit_entry" ("operation");`);
    this.addSql(`create index "audit_entry_account_id_created_at_index" on "audit_entry" ("account_id", "created_at");`);

    this.addSql(`create table "bill_contact" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "name" varchar(256) not null, "address" text not null, "city" varchar(128) not null, "zipcode" varchar(10) not null, "country" varchar(2) not null, "vat" varchar(64) not null default '');`);
    this.addSql(`alter table "bill_contact" add constraint "bill_contact_account_id_unique" unique ("account_id");`);

    this.addSql(`create table "contact" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "short_name" varchar(128) not null, "full_name" varchar(256) not null default '', "email" varchar(254) not null, "email_usages" "email_usage"[] not null, "phone" varchar(32) not null default '', "phone2" varchar(32) not null default '', "address" text not null default '', "city" varchar(128) not null default '', "zipcode" varchar(10) not null default '', "country" varchar(2) not null default '');`);
    this.addSql(`create index "contact_account_id_index" on "contact" ("account_id");`);

    this.addSql(`create table "user" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "username" varchar(32) not null, "password_hash" text null, "is_admin" boolean not null default false, "is_active" boolean not null default true, "last_login_at" timestamptz null);`);
    this.addSql(`alter table "user" add constraint "user_username_unique" unique ("username");`);

    this.addSql(`create table "api_token" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "user_id" bigint not null, "account_id" bigint not null, "name" varchar(64) not null, "prefix" varchar(16) not null, "secret_hash" varchar(64) not null, "expires_at" timestamptz null, "last_used_at" timestamptz null, "last_used_from" varchar(64) null, "revoked_at" timestamptz null);`);
    this.addSql(`alter table "api_token" add constraint "api_token_prefix_unique" unique ("prefix");`);
    this.addSql(`create index "api_token_secret_hash_index" on "api_token" ("secret_hash");`);

    this.addSql(`alter table "audit_entry" add constraint "audit_entry_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete set null;`);

    this.addSql(`alter table "bill_contact" add constraint "bill_contact_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "contact" add constraint "contact_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "user" add constraint "user_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "api_token" add constraint "api_token_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`);
    this.addSql(`alter table "api_token" add constraint "api_token_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
  }

}
