import { Migration } from '@mikro-orm/migrations';

export class Migration20261122002218 extends Migration {

  override name = 'Migration20261122002218';

  override up(): void | Promise<void> {
    this.addSql(`create type "account_type" as enum ('INDIVIDUAL', 'ASSOCIATION', 'CUSTOMER', 'COMPANY', 'PUBLICBODY', 'STAFF', 'FRIEND');`);
    this.addSql(`create type "audit_outcome" as enum ('OK', 'REJECTED', 'ERROR');`);
    this.addSql(`create type "email_usage" as enum ('SUPPORT', 'ADMIN', 'BILLING', 'TECH', 'ADDS', 'EMERGENCY');`);
    this.addSql(`create type "run_state" as enum ('RECEIVED', 'STARTED', 'RETRYING', 'SUCCESS', 'FAILURE', 'ERROR', 'TIMEOUT', 'REVOKED', 'NOTHING');`);
    this.addSql(`create type "system_user_shell" as enum ('/dev/null', '/bin/rssh', '/bin/bash');`);
    this.addSql(`create table "account" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "username" varchar(32) not null, "type" "account_type" not null default 'INDIVIDUAL', "language" varchar(2) not null default 'en', "is_active" boolean not null default true, "short_name" varchar(64) not null default '', "full_name" varchar(256) not null default '', "comments" text not null default '');`);
    this.addSql(`alter table "account" add constraint "account_username_unique" unique ("username");`);

    this.addSql(`create table "audit_entry" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint null, "account_username" varchar(32) null, "user_id" bigint null, "actor" varchar(32) not null, "api_token_id" bigint null, "operation" varchar(64) not null, "object_ids" text[] not null, "changed_fields" text[] not null, "outcome" "audit_outcome" not null, "client_address" varchar(64) null, "user_agent" varchar(256) null);`);
    this.addSql(`create index "audit_entry_operation_index" on "audit_entry" ("operation");`);
    this.addSql(`create index "audit_entry_account_id_created_at_index" on "audit_entry" ("account_id", "created_at");`);

    this.addSql(`create table "batch" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "started_at" timestamptz null, "actor" varchar(64) not null default 'system');`);
    this.addSql(`create index "batch_started_at_index" on "batch" ("started_at");`);

    this.addSql(`create table "bill_contact" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "name" varchar(256) not null, "address" text not null, "city" varchar(128) not null, "zipcode" varchar(10) not null, "country" varchar(2) not null, "vat" varchar(64) not null default '');`);
    this.addSql(`alter table "bill_contact" add constraint "bill_contact_account_id_unique" unique ("account_id");`);

    this.addSql(`create table "contact" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "short_name" varchar(128) not null, "full_name" varchar(256) not null default '', "email" varchar(254) not null, "email_usages" "email_usage"[] not null, "phone" varchar(32) not null default '', "phone2" varchar(32) not null default '', "address" text not null default '', "city" varchar(128) not null default '', "zipcode" varchar(10) not null default '', "country" varchar(2) not null default '');`);
    this.addSql(`create index "contact_account_id_index" on "contact" ("account_id");`);

    this.addSql(`create table "server" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" varchar(64) not null, "address" varchar(255) not null, "ssh_port" int not null default 22, "ssh_user" varchar(32) not null default 'root', "description" text not null default '', "host_key_fingerprint" varchar(64) null, "host_key_algorithm" varchar(32) null, "host_key_trusted_at" timestamptz null);`);
    this.addSql(`alter table "server" add constraint "server_name_unique" unique ("name");`);

    this.addSql(`create table "script_run" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "batch_id" bigint not null, "server_id" bigint not null, "backend" varchar(64) not null, "uid" uuid not null default gen_random_uuid(), "script" text not null, "timeout_ms" int not null, "state" "run_state" not null default 'RECEIVED', "stdout" text not null default '', "stderr" text not null default '', "exit_code" varchar(255) null, "attempts" int not null default 0, "last_error" text null, "started_at" timestamptz null, "finished_at" timestamptz null, "heartbeat_at" timestamptz null, "workflow_id" varchar(128) null, "run_id" varchar(64) null);`);
    this.addSql(`create index "script_run_server_id_state_index" on "script_run" ("server_id", "state");`);

    this.addSql(`create table "route" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "backend" varchar(64) not null, "server_id" bigint not null, "match" text not null default '', "is_active" boolean not null default true);`);
    this.addSql(`alter table "route" add constraint "route_backend_server_id_unique" unique ("backend", "server_id");`);

    this.addSql(`create table "operation" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "batch_id" bigint not null, "run_id" bigint not null, "server_id" bigint not null, "account_id" bigint null, "account_username" varchar(32) not null, "backend" varchar(64) not null, "action" varchar(32) not null, "model" varchar(64) not null, "object_id" bigint not null, "object_label" varchar(128) not null, "snapshot" jsonb not null, "state" "run_state" not null default 'RECEIVED', "retry_of_id" bigint null);`);
    this.addSql(`create index "operation_model_object_id_index" on "operation" ("model", "object_id");`);

    this.addSql(`create table "system_user" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "username" varchar(32) not null, "password_hash" text null, "home" varchar(200) not null default '', "shell" "system_user_shell" not null default '/dev/null', "groups" text[] not null, "is_active" boolean not null default true, "is_main" boolean not null default false);`);
    this.addSql(`create index "system_user_account_id_index" on "system_user" ("account_id");`);
    this.addSql(`alter table "system_user" add constraint "system_user_username_unique" unique ("username");`);

    this.addSql(`create table "crontab" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "system_user_id" bigint not null, "minute" varchar(64) not null default '*', "hour" varchar(64) not null default '*', "day_of_month" varchar(64) not null default '*', "month" varchar(64) not null default '*', "day_of_week" varchar(64) not null default '*', "command" text not null, "description" varchar(256) not null default '', "is_active" boolean not null default true);`);
    this.addSql(`create index "crontab_account_id_index" on "crontab" ("account_id");`);
    this.addSql(`create index "crontab_system_user_id_index" on "crontab" ("system_user_id");`);

    this.addSql(`create table "user" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" bigint not null, "username" varchar(32) not null, "password_hash" text null, "is_admin" boolean not null default false, "is_active" boolean not null default true, "last_login_at" timestamptz null);`);
    this.addSql(`alter table "user" add constraint "user_username_unique" unique ("username");`);

    this.addSql(`create table "api_token" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "user_id" bigint not null, "account_id" bigint not null, "name" varchar(64) not null, "prefix" varchar(16) not null, "secret_hash" varchar(64) not null, "expires_at" timestamptz null, "last_used_at" timestamptz null, "last_used_from" varchar(64) null, "revoked_at" timestamptz null);`);
    this.addSql(`alter table "api_token" add constraint "api_token_prefix_unique" unique ("prefix");`);
    this.addSql(`create index "api_token_secret_hash_index" on "api_token" ("secret_hash");`);

    this.addSql(`alter table "audit_entry" add constraint "audit_entry_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete set null;`);

    this.addSql(`alter table "bill_contact" add constraint "bill_contact_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "contact" add constraint "contact_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "script_run" add constraint "script_run_batch_id_foreign" foreign key ("batch_id") references "batch" ("id") on delete cascade;`);
    this.addSql(`alter table "script_run" add constraint "script_run_server_id_foreign" foreign key ("server_id") references "server" ("id") on delete cascade;`);

    this.addSql(`alter table "route" add constraint "route_server_id_foreign" foreign key ("server_id") references "server" ("id") on delete cascade;`);

    this.addSql(`alter table "operation" add constraint "operation_batch_id_foreign" foreign key ("batch_id") references "batch" ("id") on delete cascade;`);
    this.addSql(`alter table "operation" add constraint "operation_run_id_foreign" foreign key ("run_id") references "script_run" ("id") on delete cascade;`);
    this.addSql(`alter table "operation" add constraint "operation_server_id_foreign" foreign key ("server_id") references "server" ("id") on delete cascade;`);
    this.addSql(`alter table "operation" add constraint "operation_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete set null;`);
    this.addSql(`alter table "operation" add constraint "operation_retry_of_id_foreign" foreign key ("retry_of_id") references "operation" ("id") on delete set null;`);

    this.addSql(`alter table "system_user" add constraint "system_user_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "crontab" add constraint "crontab_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
    this.addSql(`alter table "crontab" add constraint "crontab_system_user_id_foreign" foreign key ("system_user_id") references "system_user" ("id") on delete cascade;`);

    this.addSql(`alter table "user" add constraint "user_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "api_token" add constraint "api_token_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`);
    this.addSql(`alter table "api_token" add constraint "api_token_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
  }

}
