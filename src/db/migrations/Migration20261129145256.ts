import { Migration } from '@mikro-orm/migrations';

export class Migration20261129145256 extends Migration {

  override name = 'Migration20261129145256';

  override up(): void | Promise<void> {
    this.addSql(`create type "bill_type" as enum ('INVOICE', 'AMENDMENT_INVOICE', 'FEE', 'AMENDMENT_FEE', 'PROFORMA');`);
    this.addSql(`create type "payment_method" as enum ('SEPA_DIRECT_DEBIT', 'BANK_TRANSFER', 'CARD');`);
    this.addSql(`create type "bill_subline_type" as enum ('PLAN', 'COMPENSATION', 'PREPAY');`);
    this.addSql(`create type "process_state" as enum ('CREATED', 'EXECUTED', 'ABORTED', 'COMMITTED');`);
    this.addSql(`create type "transaction_state" as enum ('WAITING_PROCESSING', 'WAITING_EXECUTION', 'EXECUTED', 'SECURED', 'REJECTED');`);
    this.addSql(`create table "bill" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "type" "bill_type" not null, "number" varchar(32) null, "amend_of_id" bigint null, "closed_on" date null, "is_open" boolean not null default true, "is_sent" boolean not null default false, "due_on" date null, "comments" text not null default '', "html" text null, "language" varchar(2) not null default 'en');`);
    this.addSql(`create index "bill_account_id_index" on "bill" ("account_id");`);
    this.addSql(`alter table "bill" add constraint "bill_number_unique" unique ("number");`);
    this.addSql(`create index "bill_account_id_type_is_open_index" on "bill" ("account_id", "type", "is_open");`);

    this.addSql(`create table "bill_counter" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "prefix" varchar(4) not null, "year" int not null, "last" int not null);`);
    this.addSql(`alter table "bill_counter" add constraint "bill_counter_prefix_year_unique" unique ("prefix", "year");`);

    this.addSql(`create table "payment_source" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "method" "payment_method" not null, "iban" varchar(34) not null default '', "bic" varchar(11) not null default '', "holder" varchar(70) not null default '', "label" varchar(64) not null default '', "is_active" boolean not null default true);`);
    this.addSql(`create index "payment_source_account_id_index" on "payment_source" ("account_id");`);

    this.addSql(`create table "bill_line" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "bill_id" bigint not null, "account_id" bigint not null, "order_id" bigint null, "description" varchar(256) not null, "rate" numeric(16,4) not null, "quantity" numeric(24,5) not null, "verbose_quantity" varchar(64) not null, "subtotal" numeric(14,2) not null, "tax_rate" numeric(5,2) not null, "start_on" date not null, "end_on" date null, "order_billed_on" date null, "order_billed_until" date null, "order_billed_metric" numeric(20,3) null, "givers" jsonb not null, "amended_line_id" bigint null);`);
    this.addSql(`create index "bill_line_bill_id_index" on "bill_line" ("bill_id");`);
    this.addSql(`create index "bill_line_account_id_index" on "bill_line" ("account_id");`);
    this.addSql(`create index "bill_line_order_id_index" on "bill_line" ("order_id");`);

    this.addSql(`create table "bill_subline" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "line_id" bigint not null, "account_id" bigint not null, "type" "bill_subline_type" not null, "description" varchar(256) not null, "total" numeric(14,2) not null);`);
    this.addSql(`create index "bill_subline_line_id_index" on "bill_subline" ("line_id");`);
    this.addSql(`create index "bill_subline_account_id_index" on "bill_subline" ("account_id");`);

    this.addSql(`create table "transaction_process" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "state" "process_state" not null default 'CREATED', "file_name" varchar(128) not null default '', "file" text not null default '');`);

    this.addSql(`create table "payment_transaction" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "bill_id" bigint not null, "account_id" bigint not null, "source_id" bigint null, "process_id" bigint null, "state" "transaction_state" not null default 'WAITING_PROCESSING', "amount" numeric(14,2) not null, "currency" varchar(3) not null default 'EUR');`);
    this.addSql(`create index "payment_transaction_bill_id_index" on "payment_transaction" ("bill_id");`);
    this.addSql(`create index "payment_transaction_account_id_index" on "payment_transaction" ("account_id");`);
    this.addSql(`create index "payment_transaction_process_id_index" on "payment_transaction" ("process_id");`);
    this.addSql(`create index "payment_transaction_state_index" on "payment_transaction" ("state");`);

    this.addSql(`alter table "bill" add constraint "bill_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete restrict;`);
    this.addSql(`alter table "bill" add constraint "bill_amend_of_id_foreign" foreign key ("amend_of_id") references "bill" ("id") on delete restrict;`);

    this.addSql(`alter table "payment_source" add constraint "payment_source_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "bill_line" add constraint "bill_line_bill_id_foreign" foreign key ("bill_id") references "bill" ("id") on delete cascade;`);
    this.addSql(`alter table "bill_line" add constraint "bill_line_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete restrict;`);
    this.addSql(`alter table "bill_line" add constraint "bill_line_order_id_foreign" foreign key ("order_id") references "billing_order" ("id") on delete set null;`);
    this.addSql(`alter table "bill_line" add constraint "bill_line_amended_line_id_foreign" foreign key ("amended_line_id") references "bill_line" ("id") on delete set null;`);

    this.addSql(`alter table "bill_subline" add constraint "bill_subline_line_id_foreign" foreign key ("line_id") references "bill_line" ("id") on delete cascade;`);
    this.addSql(`alter table "bill_subline" add constraint "bill_subline_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete restrict;`);

    this.addSql(`alter table "payment_transaction" add constraint "payment_transaction_bill_id_foreign" foreign key ("bill_id") references "bill" ("id") on delete restrict;`);
    this.addSql(`alter table "payment_transaction" add constraint "payment_transaction_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete restrict;`);
    this.addSql(`alter table "payment_transaction" add constraint "payment_transaction_source_id_foreign" foreign key ("source_id") references "payment_source" ("id") on delete set null;`);
    this.addSql(`alter table "payment_transaction" add constraint "payment_transaction_process_id_foreign" foreign key ("process_id") references "transaction_process" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "bill" drop constraint "bill_amend_of_id_foreign";`);
    this.addSql(`alter table "bill_line" drop constraint "bill_line_bill_id_foreign";`);
    this.addSql(`alter table "payment_transaction" drop constraint "payment_transaction_bill_id_foreign";`);
    this.addSql(`alter table "payment_transaction" drop constraint "payment_transaction_source_id_foreign";`);
    this.addSql(`alter table "bill_line" drop constraint "bill_line_amended_line_id_foreign";`);
    this.addSql(`alter table "bill_subline" drop constraint "bill_subline_line_id_foreign";`);
    this.addSql(`alter table "payment_transaction" drop constraint "payment_transaction_process_id_foreign";`);

    this.addSql(`drop table if exists "bill" cascade;`);
    this.addSql(`drop table if exists "bill_counter" cascade;`);
    this.addSql(`drop table if exists "payment_source" cascade;`);
    this.addSql(`drop table if exists "bill_line" cascade;`);
    this.addSql(`drop table if exists "bill_subline" cascade;`);
    this.addSql(`drop table if exists "transaction_process" cascade;`);
    this.addSql(`drop table if exists "payment_transaction" cascade;`);

    this.addSql(`drop type "bill_type";`);
    this.addSql(`drop type "payment_method";`);
    this.addSql(`drop type "bill_subline_type";`);
    this.addSql(`drop type "process_state";`);
    this.addSql(`drop type "transaction_state";`);
  }

}
