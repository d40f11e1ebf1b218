import type { Backend } from '../backends/backend.js';
import { compileMatch } from './match-expression.js';

/** Whether a route selects an object, given the object's match context (its backend's `matchContext`). */
export type RouteSelector = (context: Record<string, unknown>) => boolean;

const NOTHING: RouteSelector = () => false;
const compiled = new Map<string, RouteSelector>();

/**
 * What a route selects, as the planner has it: nothing when it is inactive, and nothing when its expression no longer
 * compiles (expressions are checked when a route is saved; a backend's match fields may change after). Compiled once
 * per (backend, expression) for the process: the compiled form depends on nothing else, and every commit plans.
 */
export function routeSelector(backend: Pick<Backend, 'name' | 'matchFields' | 'booleanMatchFields'>, match: unknown, isActive: unknown): RouteSelector {
  if (isActive !== true || typeof match !== 'string') return NOTHING;
  const key = `${backend.name}\0${match}`;
  let selects = compiled.get(key);
  if (!selects) {
    const result = compileMatch(match, backend.matchFields, backend.booleanMatchFields);
    selects = result.ok ? result.evaluate : NOTHING;
    if (compiled.size >= 10_000) compiled.clear(); // a bound, not a policy: routes are few
    compiled.set(key, selects);
  }
  return selects;
}
