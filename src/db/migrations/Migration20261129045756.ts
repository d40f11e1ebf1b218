import { Migration } from '@mikro-orm/migrations';

export class Migration20261129045756 extends Migration {

  override name = 'Migration20261129045756';

  override up(): void | Promise<void> {
    this.addSql(`alter table "server" add "host_key_presented" varchar(64) null, add "host_key_changed_at" timestamptz null;`);

    this.addSql(`alter table "script_run" add "cancel_requested_at" timestamptz null, add "cancel_requested_by" varchar(150) null, add "worker" varchar(255) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "script_run" drop column "cancel_requested_at", drop column "cancel_requested_by", drop column "worker";`);

    this.addSql(`alter table "server" drop column "host_key_presented", drop column "host_key_changed_at";`);
  }

}
