import { Migration } from '@mikro-orm/migrations';

export class Migration20261129110054 extends Migration {

  override name = 'Migration20261129110054';

  override up(): void | Promise<void> {
    this.addSql(`create type "billing_period" as enum ('ONE_TIME', 'MONTHLY', 'ANNUAL');`);
    this.addSql(`create type "billing_point" as enum ('ON_REGISTER', 'ON_FIXED_DATE');`);
    this.addSql(`create type "payment_style" as enum ('PREPAY', 'POSTPAY');`);
    this.addSql(`create type "pricing_period" as enum ('NEVER', 'BILLING_PERIOD', 'MONTHLY', 'ANNUAL');`);
    this.addSql(`create type "rate_algorithm" as enum ('STEP_PRICE', 'MATCH_PRICE', 'BEST_PRICE');`);
    this.addSql(`create type "on_cancel" as enum ('NOTHING', 'DISCOUNT', 'COMPENSATE', 'REFUND');`);
    this.addSql(`create type "ignore_period" as enum ('NEVER', 'ONE_DAY', 'TWO_DAYS', 'TEN_DAYS', 'ONE_MONTH');`);
    this.addSql(`create table "miscellaneous_kind" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" varchar(64) not null, "verbose_name" varchar(128) not null default '', "description" text not null default '', "has_identifier" boolean not null default false, "has_amount" boolean not null default false, "is_active" boolean not null default true);`);
    this.addSql(`alter table "miscellaneous_kind" add constraint "miscellaneous_kind_name_unique" unique ("name");`);

    this.addSql(`create table "miscellaneous" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "kind_id" bigint not null, "identifier" varchar(256) null, "description" varchar(256) not null default '', "amount" int not null default 1, "is_active" boolean not null default true);`);
    this.addSql(`create index "miscellaneous_account_id_index" on "miscellaneous" ("account_id");`);
    this.addSql(`create index "miscellaneous_kind_id_index" on "miscellaneous" ("kind_id");`);
    this.addSql(`alter table "miscellaneous" add constraint "miscellaneous_identifier_unique" unique ("identifier");`);

    this.addSql(`create table "plan" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" varchar(64) not null, "verbose_name" varchar(128) not null default '', "is_active" boolean not null default true, "is_default" boolean not null default false, "is_combinable" boolean not null default true, "allow_multiple" boolean not null default false);`);
    this.addSql(`alter table "plan" add constraint "plan_name_unique" unique ("name");`);

    this.addSql(`create table "contracted_plan" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "plan_id" bigint not null);`);
    this.addSql(`create index "contracted_plan_account_id_index" on "contracted_plan" ("account_id");`);
    this.addSql(`create index "contracted_plan_plan_id_index" on "contracted_plan" ("plan_id");`);

    this.addSql(`create table "service" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "description" varchar(256) not null, "model" varchar(64) not null, "match" text not null default '', "metric" text not null default '', "is_active" boolean not null default true, "periodic_update" boolean not null default false, "billing_period" "billing_period" not null default 'ANNUAL', "billing_point" "billing_point" not null default 'ON_FIXED_DATE', "payment_style" "payment_style" not null default 'PREPAY', "pricing_period" "pricing_period" not null default 'BILLING_PERIOD', "rate_algorithm" "rate_algorithm" not null default 'STEP_PRICE', "nominal_price" numeric(16,4) not null, "tax_rate" numeric(5,2) not null default '0.00', "on_cancel" "on_cancel" not null default 'DISCOUNT', "ignore_period" "ignore_period" not null default 'TEN_DAYS', "is_fee" boolean not null default false, "ignored_account_types" text[] not null, "order_description" varchar(256) not null default '');`);
    this.addSql(`alter table "service" add constraint "service_description_unique" unique ("description");`);
    this.addSql(`create index "service_model_index" on "service" ("model");`);

    this.addSql(`create table "rate" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "service_id" bigint not null, "plan_id" bigint not null, "quantity" int not null, "price" numeric(16,4) not null);`);
    this.addSql(`create index "rate_plan_id_index" on "rate" ("plan_id");`);
    this.addSql(`alter table "rate" add constraint "rate_service_id_plan_id_quantity_unique" unique ("service_id", "plan_id", "quantity");`);

    this.addSql(`create table "billing_order" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "service_id" bigint not null, "model" varchar(64) not null, "object_id" bigint not null, "object_label" varchar(256) not null, "registered_on" date not null, "cancelled_on" date null, "billed_on" date null, "billed_until" date null, "billed_metric" numeric(20,3) null, "metric" numeric(20,3) null, "ignore" boolean not null default false, "description" varchar(256) not null default '');`);
    this.addSql(`create index "billing_order_account_id_index" on "billing_order" ("account_id");`);
    this.addSql(`create index "billing_order_service_id_index" on "billing_order" ("service_id");`);
    this.addSql(`create index "billing_order_model_object_id_index" on "billing_order" ("model", "object_id");`);
    // At most one active order per object and service; the collector relies on it (two commits racing to create one).
    this.addSql(`create unique index "billing_order_active_unique" on "billing_order" ("service_id", "model", "object_id") where "cancelled_on" is null;`);

    this.addSql(`create table "order_metric" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "order_id" bigint not null, "value" numeric(20,3) not null, "created_on" date not null);`);
    this.addSql(`alter table "order_metric" add constraint "order_metric_order_id_created_on_unique" unique ("order_id", "created_on");`);

    this.addSql(`alter table "miscellaneous" add constraint "miscellaneous_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
    this.addSql(`alter table "miscellaneous" add constraint "miscellaneous_kind_id_foreign" foreign key ("kind_id") references "miscellaneous_kind" ("id") on delete cascade;`);

    this.addSql(`alter table "contracted_plan" add constraint "contracted_plan_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
    this.addSql(`alter table "contracted_plan" add constraint "contracted_plan_plan_id_foreign" foreign key ("plan_id") references "plan" ("id") on delete cascade;`);

    this.addSql(`alter table "rate" add constraint "rate_service_id_foreign" foreign key ("service_id") references "service" ("id") on delete cascade;`);
    this.addSql(`alter table "rate" add constraint "rate_plan_id_foreign" foreign key ("plan_id") references "plan" ("id") on delete cascade;`);

    this.addSql(`alter table "billing_order" add constraint "billing_order_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
    this.addSql(`alter table "billing_order" add constraint "billing_order_service_id_foreign" foreign key ("service_id") references "service" ("id") on delete cascade;`);

    this.addSql(`alter table "order_metric" add constraint "order_metric_order_id_foreign" foreign key ("order_id") references "billing_order" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "miscellaneous" drop constraint "miscellaneous_kind_id_foreign";`);
    this.addSql(`alter table "contracted_plan" drop constraint "contracted_plan_plan_id_foreign";`);
    this.addSql(`alter table "rate" drop constraint "rate_plan_id_foreign";`);
    this.addSql(`alter table "rate" drop constraint "rate_service_id_foreign";`);
    this.addSql(`alter table "billing_order" drop constraint "billing_order_service_id_foreign";`);
    this.addSql(`alter table "order_metric" drop constraint "order_metric_order_id_foreign";`);

    this.addSql(`drop table if exists "miscellaneous_kind" cascade;`);
    this.addSql(`drop table if exists "miscellaneous" cascade;`);
    this.addSql(`drop table if exists "plan" cascade;`);
    this.addSql(`drop table if exists "contracted_plan" cascade;`);
    this.addSql(`drop table if exists "service" cascade;`);
    this.addSql(`drop table if exists "rate" cascade;`);
    this.addSql(`drop table if exists "billing_order" cascade;`);
    this.addSql(`drop table if exists "order_metric" cascade;`);

    this.addSql(`drop type "billing_period";`);
    this.addSql(`drop type "billing_point";`);
    this.addSql(`drop type "payment_style";`);
    this.addSql(`drop type "pricing_period";`);
    this.addSql(`drop type "rate_algorithm";`);
    this.addSql(`drop type "on_cancel";`);
    this.addSql(`drop type "ignore_period";`);
  }

}
