import { Migration } from '@mikro-orm/migrations';

/**
 * Crontab lines saved before the API checked them the way `crontab` does (src/orchestration/backends/crontabs/crontab-syntax.ts):
 * a command starting with "*" or longer than 998 bytes as written in the crontab (`\` and `%` escaped). `crontab`
 * refuses the whole crontab for one of them, so such a line never ran anywhere, and every later change of its
 * system user's crontab failed on every server. They are deactivated (kept, to be fixed and activated again), so
 * the crontabs render again; `syncServer(serverId, "crontabs")` then installs what had failed.
 */
export const DEACTIVATE_REFUSED_CRONTAB_LINES = String.raw`update "crontab" set "is_active" = false, "updated_at" = now()
where "is_active" and (left(btrim("command"), 1) = '*'
  or octet_length(replace(replace(btrim("command"), '\', '\\'), '%', '\%')) > 998);`;

export class Migration20261129052000 extends Migration {
  override name = 'Migration20261129052000';

  override up(): void | Promise<void> {
    this.addSql(DEACTIVATE_REFUSED_CRONTAB_LINES);
  }
}
