import { Migration } from '@mikro-orm/migrations';

/**
 * `script_run.started_by_attempt`: the number of the runScript activity attempt that last started the run, which the
 * stale-attempt guard compares (before, `attempts` was both that number and what operators read as "times it was
 * started": a retried activity's following claims marked the fresh runs they took with attempt 2, so a run that ran
 * once showed 2). `attempts` is now a count. Existing runs keep their numbers in both.
 */
export class Migration20261130170000 extends Migration {

  override name = 'Migration20261130170000';

  override up(): void | Promise<void> {
    this.addSql('alter table "script_run" add column "started_by_attempt" int not null default 0;');
    this.addSql('update "script_run" set "started_by_attempt" = "attempts" where "attempts" > 0;');
  }

  override down(): void | Promise<void> {
    this.addSql('update "script_run" set "attempts" = greatest("attempts", "started_by_attempt");');
    this.addSql('alter table "script_run" drop column "started_by_attempt";');
  }
}
