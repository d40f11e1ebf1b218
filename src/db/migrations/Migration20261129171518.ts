import { Migration } from '@mikro-orm/migrations';

export class Migration20261129171518 extends Migration {

  override name = 'Migration20261129171518';

  override up(): void | Promise<void> {
    this.addSql(`create type "process_kind" as enum ('DIRECT_DEBIT', 'CREDIT_TRANSFER');`);
    this.addSql(`alter table "transaction_process" add "method" "payment_method" not null, add "kind" "process_kind" not null;`);

    this.addSql(`alter table "payment_transaction" add "reissue_of_id" bigint null;`);
    this.addSql(`alter table "payment_transaction" add constraint "payment_transaction_reissue_of_id_foreign" foreign key ("reissue_of_id") references "payment_transaction" ("id") on delete restrict;`);
    this.addSql(`alter table "payment_transaction" add constraint "payment_transaction_reissue_of_id_unique" unique ("reissue_of_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "payment_transaction" drop constraint "payment_transaction_reissue_of_id_foreign";`);

    this.addSql(`alter table "payment_transaction" drop constraint "payment_transaction_reissue_of_id_unique";`);
    this.addSql(`alter table "payment_transaction" drop column "reissue_of_id";`);

    this.addSql(`alter table "transaction_process" drop column "method", drop column "kind";`);

    this.addSql(`drop type "process_kind";`);
  }

}
