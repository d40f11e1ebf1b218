import { Migration } from '@mikro-orm/migrations';

export class Migration20261129171537 extends Migration {

  override name = 'Migration20261129171537';

  override up(): void | Promise<void> {
    this.addSql(`create type "bill_email_state" as enum ('QUEUED', 'SENT', 'FAILED');`);
    this.addSql(`create table "bill_email" ("id" bigserial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "bill_id" bigint not null, "recipients" text[] not null, "message_id" varchar(255) null, "state" "bill_email_state" not null default 'QUEUED', "attempts" int not null default 0, "last_error" text null, "smtp_response" text null, "sent_at" timestamptz null, "started_at" timestamptz null, "requested_by" varchar(128) not null);`);
    this.addSql(`create index "bill_email_bill_id_index" on "bill_email" ("bill_id");`);
    this.addSql(`alter table "bill_email" add constraint "bill_email_message_id_unique" unique ("message_id");`);
    this.addSql(`create index "bill_email_state_started_at_index" on "bill_email" ("state", "started_at");`);

    this.addSql(`alter table "bill_email" add constraint "bill_email_bill_id_foreign" foreign key ("bill_id") references "bill" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "bill_email" cascade;`);

    this.addSql(`drop type "bill_email_state";`);
  }

}
