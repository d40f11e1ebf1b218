/**
 * Route match expressions: the shared expression language (src/expressions/index.ts) in its route profile — no
 * arithmetic, no functions, and the whole expression must be a condition. Examples:
 *
 *   database.type == "mysql"
 *   systemuser.shell != "/bin/bash" and account.type in ["COMPANY", "STAFF"]
 *   not (crontab.isActive) or "www" in systemuser.groups
 *
 * Conditions (checked at compile time): the whole expression, and each operand of `and`, `or` and `not`, must be a
 * condition: a comparison, `true`/`false`, a field the backend declares boolean (`systemuser.isActive`), or one of
 * these combined. A bare string, number, null, list or other field is not one (`' ; touch /tmp/x ; '` would only
 * ever be false, silently): it is refused with its position.
 *
 * Semantics: see the language; an empty expression (or only whitespace) always matches. Limits: 1000 characters,
 * nesting depth 32.
 */
import { compileExpression } from '../../expressions/index.js';

export const MATCH_MAX_LENGTH = 1000;
export const MATCH_MAX_DEPTH = 32;

export interface MatchError {
  message: string;
  /** 0-based offset in the source where the problem is. */
  position: number;
}

export type CompiledMatch = { ok: true; evaluate(obj: Record<string, unknown>): boolean } | { ok: false; error: MatchError };

/**
 * Compiles a match expression against the field paths the route's backend exposes (`backend.matchFields`), of which
 * `booleanFields` (`backend.booleanMatchFields`) are conditions on their own.
 * `{ ok: false, error: { message, position } }` is meant for a GraphQL userError when a route is saved.
 */
export function compileMatch(source: string, allowedFields: readonly string[], booleanFields: readonly string[] = []): CompiledMatch {
  const compiled = compileExpression(source, {
    fields: allowedFields,
    booleanFields,
    arithmetic: false,
    condition: true,
    maxLength: MATCH_MAX_LENGTH,
    maxDepth: MATCH_MAX_DEPTH,
  });
  if (!compiled.ok) return compiled;
  return { ok: true, evaluate: (obj) => compiled.evaluate(obj) === true };
}
