/**
 * The backend framework. A backend turns operations (action + snapshot of an object, see ../types.ts) into ONE bash
 * script per (server, backend) group: a prepare section, one section per operation, a commit section.
 *
 * Backends are plain data + pure functions: no ORM imports, no I/O but reading their bash once, when their module
 * loads (see Script conventions). The collector builds snapshots with
 * `backend.snapshot(plainObject)` (the plain object comes from the model's service module, src/services/) and renders
 * the script at commit, `backend.render(operations)`, into the outbox (src/orchestration/outbox/write-outbox.ts).
 * Which changes of other models mean a save of a backend's objects is the service module's to say (`savedWhen`).
 *
 * Script conventions (every backend, enforced here):
 * - line 1 `#!/bin/bash`, line 2 `set -euo pipefail`, line 3 what the script is; then the common prelude
 *   (./prelude.sh, written once for every backend): a fixed PATH, `LC_ALL=C` (tool output is parsed), umask 022,
 *   `exit_code`, `uid_min`/`gid_min` (system accounts are never touched) and `fail MESSAGE`.
 * - A backend's bash is constant code in `.sh` fragments beside it (`<backend>/*.sh`: function definitions, fixed
 *   logic), read with `bashFragment` and checked by shellcheck. Every value is quoted by ../shell/quote.ts: sections
 *   call the fragments' functions with `sh`-quoted arguments; they are `ShellCode`, never concatenated strings.
 * - Idempotent: check-then-act, diff-before-write, reload only when something changed. Running a script twice
 *   changes nothing the second time.
 * - A real failure stops the script (`set -e`) and the group is FAILURE. Decision: we do NOT continue with the
 *   next operations after a real failure: later operations may depend on earlier ones (a crontab needs its user),
 *   and because scripts are idempotent the operator's retry re-runs the whole group safely. Steps that may fail
 *   harmlessly say so explicitly (`|| true`); steps that should not stop the others but must still make the run a
 *   FAILURE use `|| exit_code=$?` (the commit section ends with `exit "$exit_code"`).
 *   Consequence for backends with a reload in commit: a failure before commit skips the reload, and the retry
 *   sees "unchanged" files. Such backends must mark a pending reload on the server (e.g. a flag file removed
 *   after a successful reload) rather than rely on in-script variables. Neither current backend reloads anything.
 * - An empty operation list renders '' (the run is NOTHING and is not executed).
 */
import type { Action, OperationInput } from '../types.js';
import { ShellCode, joinShell, shComment } from '../shell/quote.js';
import { bashFragment } from '../shell/fragment.js';

/** Errors a backend raises while building or rendering: the caller's bug or bad data (ERROR, not FAILURE). */
export type BackendErrorCode = 'INVALID_SNAPSHOT' | 'UNKNOWN_ACTION' | 'WRONG_MODEL' | 'UNKNOWN_BACKEND' | 'DUPLICATE_BACKEND';

export class BackendError extends Error {
  constructor(
    readonly code: BackendErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

export interface ValidationIssue {
  /** Field path in the source object, e.g. `entries[2].minute`. */
  field: string;
  message: string;
}

/** A snapshot (or the object it is built from) failed validation; `issues` lists every problem found. */
export class SnapshotValidationError extends BackendError {
  constructor(
    readonly backend: string,
    readonly issues: ValidationIssue[],
  ) {
    super('INVALID_SNAPSHOT', `${backend}: invalid ${issues.map((i) => `${i.field} (${i.message})`).join('; ')}`);
    this.name = 'SnapshotValidationError';
  }
}

/** An operation whose snapshot has been validated by its backend. */
export interface TypedOperation<S> extends Omit<OperationInput, 'snapshot'> {
  snapshot: S;
}

/** What the rest of Orchestra sees of a backend. `S` is the backend's snapshot type. */
export interface Backend<S = unknown> {
  /** Stable identifier, stored with routes and operations: 'system-users'. */
  readonly name: string;
  /** One line for operators (route forms, CLI listing). */
  readonly description: string;
  /** The model it serves: 'SystemUser'. Operations of other models are refused by `render`. */
  readonly model: string;
  /** Fields whose change alone does not trigger an operation (compare: Bind9's zone serial). */
  readonly ignoredFields: readonly string[];
  /** Actions it renders: 'save', 'delete' and custom ones. */
  readonly actions: readonly Action[];
  /** Start-to-close timeout of one script of this backend. */
  readonly timeoutMs: number;
  /**
   * Dotted field paths a route's match expression may use, relative to `matchContext(snapshot)`:
   * e.g. 'systemuser.shell', 'account.type'.
   */
  readonly matchFields: readonly string[];
  /** The match fields that hold booleans: conditions on their own in a match expression (`systemuser.isActive`). */
  readonly booleanMatchFields: readonly string[];
  /**
   * Whether this backend configures that object of its model at all (a MariaDB backend serves only MariaDB
   * databases): the collector plans no operation of this backend for an object it does not serve. Default: all.
   */
  serves(source: unknown): boolean;
  /** Plain (ORM-independent) object → validated snapshot. Throws SnapshotValidationError. */
  snapshot(source: unknown): S;
  /** Re-validates a stored snapshot (JSON from the database). Throws SnapshotValidationError. */
  parseSnapshot(raw: unknown): S;
  /** The object a route's match expression is evaluated against. */
  matchContext(snapshot: S): Record<string, unknown>;
  /** One script for the whole group, or '' when there is nothing to do. Throws BackendError on bad input. */
  render(operations: readonly OperationInput[]): string;
}

/** What a backend module writes; `defineBackend` turns it into a `Backend` with the common script frame. */
export interface BackendSpec<S> {
  name: string;
  description: string;
  model: string;
  ignoredFields?: readonly string[];
  actions: readonly Action[];
  timeoutMs: number;
  matchFields: readonly string[];
  /** Those of `matchFields` whose values are booleans. */
  booleanMatchFields?: readonly string[];
  /** Which objects of the model it configures (default: all); see Backend.serves. */
  serves?(source: unknown): boolean;
  snapshot(source: unknown): S;
  parseSnapshot(raw: unknown): S;
  matchContext(snapshot: S): Record<string, unknown>;
  /** Short human label of the object for section comments, e.g. `alice`. Sanitised by the framework. */
  label(snapshot: S): string;
  /** Shared code (usually function definitions) for the operations of this group. */
  prepare?(operations: readonly TypedOperation<S>[]): ShellCode;
  /** The body of one operation's section. */
  section(operation: TypedOperation<S>, index: number, operations: readonly TypedOperation<S>[]): ShellCode;
  /** Code after every section (e.g. one reload if something changed). */
  commit?(operations: readonly TypedOperation<S>[]): ShellCode;
}

/** What every script has after its first three lines: a predictable environment and the helpers all backends use. */
export const SCRIPT_PRELUDE = bashFragment(new URL('./prelude.sh', import.meta.url));

/** The fixed head of every script: shebang, strict mode, what this script is, the common prelude. */
export function scriptHead(summary: string): ShellCode {
  return joinShell([ShellCode.trusted('#!/bin/bash\nset -euo pipefail'), shComment(summary), SCRIPT_PRELUDE]);
}

function heading(title: string): ShellCode {
  // The title may contain data (object labels): shComment neutralises newlines. Padded with rules to 78 columns.
  const text = `── ${title} `;
  return shComment(text.length < 75 ? text + '─'.repeat(75 - text.length) : text, 160);
}

export function defineBackend<S>(spec: BackendSpec<S>): Backend<S> {
  const actions = new Set(spec.actions);
  const booleanMatchFields = spec.booleanMatchFields ?? [];
  const unknown = booleanMatchFields.filter((f) => !spec.matchFields.includes(f));
  if (unknown.length > 0) throw new Error(`${spec.name}: boolean match fields that are not match fields: ${unknown.join(', ')}`);
  const backend: Backend<S> = {
    name: spec.name,
    description: spec.description,
    model: spec.model,
    ignoredFields: spec.ignoredFields ?? [],
    actions: spec.actions,
    timeoutMs: spec.timeoutMs,
    matchFields: spec.matchFields,
    booleanMatchFields,
    serves: spec.serves ?? (() => true),
    snapshot: spec.snapshot,
    parseSnapshot: spec.parseSnapshot,
    matchContext: spec.matchContext,
    render(operations) {
      if (operations.length === 0) return '';
      const typed = operations.map((op): TypedOperation<S> => {
        if (op.model !== spec.model) {
          throw new BackendError('WRONG_MODEL', `${spec.name} renders ${spec.model} operations, not ${op.model} (operation ${op.operationId})`);
        }
        if (!actions.has(op.action)) {
          throw new BackendError('UNKNOWN_ACTION', `${spec.name} has no action "${op.action}" (operation ${op.operationId})`);
        }
        return { ...op, snapshot: spec.parseSnapshot(op.snapshot) };
      });
      const n = typed.length;
      const parts: ShellCode[] = [
        scriptHead(`Orchestra backend ${spec.name} (${spec.model}), ${n} operation${n === 1 ? '' : 's'}. Idempotent: safe to run again.`),
      ];
      const prepare = spec.prepare?.(typed);
      if (prepare && prepare.text !== '') parts.push(joinShell([heading('prepare'), prepare]));
      typed.forEach((op, i) => {
        const title = `operation ${op.operationId}: ${op.action} ${op.model} ${op.objectId} (${spec.label(op.snapshot)})`;
        parts.push(joinShell([heading(title), spec.section(op, i, typed)]));
      });
      const commit = spec.commit?.(typed) ?? ShellCode.empty;
      parts.push(joinShell([heading('commit'), commit, ShellCode.trusted('exit "$exit_code"')]));
      return joinShell(parts, '\n\n').text + '\n';
    },
  };
  return Object.freeze(backend);
}
