import { Migration } from '@mikro-orm/migrations';

export class Migration20261129105625 extends Migration {

  override name = 'Migration20261129105625';

  override up(): void | Promise<void> {
    this.addSql(`create table "monitor_data" ("id" bigserial primary key, "monitor" varchar(64) not null, "model" varchar(32) not null, "object_id" bigint not null, "run_id" bigint null, "created_at" timestamptz not null, "value" double precision not null, "state" double precision null);`);
    this.addSql(`create index "monitor_data_monitor_object_id_created_at_index" on "monitor_data" ("monitor", "object_id", "created_at");`);

    this.addSql(`create table "resource" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" varchar(32) not null, "model" varchar(32) not null, "description" varchar(256) not null default '', "aggregation" varchar(16) not null, "aggregation_days" int not null default 10, "unit" varchar(16) not null default '', "scale" varchar(64) not null default '1', "on_demand" boolean not null default false, "default_allocation" double precision null, "min_allocation" double precision not null default 0, "max_allocation" double precision null, "monitors" text[] not null, "crontab" varchar(200) null, "limit_actions" boolean not null default false, "is_active" boolean not null default true);`);
    this.addSql(`alter table "resource" add constraint "resource_name_model_unique" unique ("name", "model");`);

    this.addSql(`create table "resource_data" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "resource_id" bigint not null, "model" varchar(32) not null, "object_id" bigint not null, "account_id" bigint not null, "allocated" double precision null, "used" double precision null, "measured_at" timestamptz null, "limit_exceeded" boolean not null default false);`);
    this.addSql(`create index "resource_data_account_id_index" on "resource_data" ("account_id");`);
    this.addSql(`create index "resource_data_model_object_id_index" on "resource_data" ("model", "object_id");`);
    this.addSql(`alter table "resource_data" add constraint "resource_data_resource_id_object_id_unique" unique ("resource_id", "object_id");`);

    this.addSql(`create table "resource_schedule_change" ("id" bigserial primary key, "resource_id" bigint not null, "created_at" timestamptz not null, "applied_at" timestamptz null);`);
    this.addSql(`create index "resource_schedule_change_applied_at_index" on "resource_schedule_change" ("applied_at");`);

    this.addSql(`create table "monitor_run" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "resource_id" bigint null, "server_id" bigint not null, "monitor" varchar(64) not null, "state" varchar(16) not null default 'RECEIVED', "script" text not null, "object_ids" text[] not null, "object_count" int not null default 0, "stored_count" int not null default 0, "malformed" text[] not null, "exit_code" varchar(255) null, "stderr" text not null default '', "error" text null, "started_at" timestamptz null, "finished_at" timestamptz null, "workflow_id" varchar(255) null, "workflow_run_id" varchar(64) null);`);
    this.addSql(`create index "monitor_run_resource_id_created_at_index" on "monitor_run" ("resource_id", "created_at");`);

    this.addSql(`alter table "resource_data" add constraint "resource_data_resource_id_foreign" foreign key ("resource_id") references "resource" ("id") on delete cascade;`);
    this.addSql(`alter table "resource_data" add constraint "resource_data_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "monitor_run" add constraint "monitor_run_server_id_foreign" foreign key ("server_id") references "server" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "resource_data" drop constraint "resource_data_resource_id_foreign";`);

    this.addSql(`drop table if exists "monitor_data" cascade;`);
    this.addSql(`drop table if exists "resource" cascade;`);
    this.addSql(`drop table if exists "resource_data" cascade;`);
    this.addSql(`drop table if exists "resource_schedule_change" cascade;`);
    this.addSql(`drop table if exists "monitor_run" cascade;`);
  }

}
