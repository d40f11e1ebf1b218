/**
 * Monitors: backends of a read-only kind. A monitor measures objects of one model on the servers where a
 * configuration backend put them (its routes, with their match expressions), with ONE script per server per run
 * covering all of them, printing `<object id> <value>` lines (../monitor-output.ts). Like backends, a monitor's bash
 * is constant code in `.sh` fragments beside it, every value goes through the quoting helper (`sh`), and its scripts
 * have golden files (tests/golden/<monitor>/). Scripts only read: they run outside the server's configuration queue.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { scriptHead } from '../../orchestration/backends/backend.js';
import { ShellCode, joinShell } from '../../orchestration/shell/quote.js';

/** How old samples are compressed (../retention.ts): disk-like keep the ends of equal runs, traffic-like monthly sums. */
export type MonitorKind = 'disk' | 'traffic';

/** One object to measure: its id (printed back), its account, the source its backend's routes match on, its data. */
export interface MonitorTarget<T = unknown> {
  objectId: string;
  accountId: string;
  /** The plain object the configuration backend's `snapshot()` takes (for the routes' match expressions). */
  routeSource: unknown;
  data: T;
}

export interface Monitor<T = unknown> {
  /** Stable name, stored with resources and samples: `system-user-disk`. */
  readonly name: string;
  readonly description: string;
  /** The model it measures. */
  readonly model: string;
  /** The configuration backend whose routes say which servers hold the objects. */
  readonly backend: string;
  readonly kind: MonitorKind;
  /** The script prints a counter (bytes seen so far), not a value: ../counter.ts turns it into usage. */
  readonly counter: boolean;
  readonly timeoutMs: number;
  /** The objects to measure (all, or these ids of the monitor's model). */
  targets(em: EntityManager, objectIds?: readonly string[]): Promise<MonitorTarget<T>[]>;
  /** Whether this monitor measures that object (a MariaDB monitor only MariaDB databases). */
  serves?(target: MonitorTarget<T>): boolean;
  /** The body after the common head: fragments and one quoted call per object (or one for all). */
  body(targets: readonly MonitorTarget<T>[]): ShellCode;
}

/** The whole script of a run on one server; '' when there is nothing to measure. */
export function renderMonitorScript<T>(monitor: Monitor<T>, targets: readonly MonitorTarget<T>[]): string {
  if (targets.length === 0) return '';
  const n = targets.length;
  return (
    joinShell(
      [
        scriptHead(`Orchestra monitor ${monitor.name} (${monitor.model}), ${n} object${n === 1 ? '' : 's'}. Read-only.`),
        monitor.body(targets),
        // Measurements that failed for one object (noted on stderr) fail the run, after every other object's line.
        ShellCode.trusted('exit "$exit_code"'),
      ],
      '\n\n',
    ).text + '\n'
  );
}
