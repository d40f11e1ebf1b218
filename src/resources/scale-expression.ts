import { compileExpression, isNumber, type ExpressionProfile } from '../expressions/index.js';

/**
 * A resource's `scale` (django-orchestra evaluated a Python expression such as `10**9` with eval): an arithmetic
 * expression of the shared expression language (src/expressions/: parsed, never run as code) with no fields and no
 * functions. Bounded: at most 64 characters, nesting 8 deep, `**` only with a whole-number exponent up to 64, the
 * result finite, at most 1e18 and greater than 0 (it divides the raw monitor values).
 */
export const SCALE_MAX_LENGTH = 64;
const MAX_MAGNITUDE = 1e18;

const SCALE_PROFILE: ExpressionProfile = {
  fields: [],
  arithmetic: true,
  condition: false,
  maxLength: SCALE_MAX_LENGTH,
  maxDepth: 8,
  maxExponent: 64,
};

export type ScaleResult = { ok: true; value: number } | { ok: false; error: string };

export function parseScale(text: string): ScaleResult {
  if (typeof text !== 'string' || text.trim() === '') return { ok: false, error: 'must be a number or an arithmetic expression such as 10**9' };
  if (text.length > SCALE_MAX_LENGTH) return { ok: false, error: `must be at most ${SCALE_MAX_LENGTH} characters` };
  const compiled = compileExpression(text, SCALE_PROFILE);
  if (!compiled.ok) return { ok: false, error: `${compiled.error.message} (at ${compiled.error.position + 1})` };
  let value;
  try {
    value = compiled.evaluate({});
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (!isNumber(value) || !value.isFinite()) return { ok: false, error: 'must give a number' };
  if (value.abs().greaterThan(MAX_MAGNITUDE)) return { ok: false, error: `goes beyond ${MAX_MAGNITUDE}` };
  if (!value.greaterThan(0)) return { ok: false, error: 'must be greater than 0' };
  return { ok: true, value: value.toNumber() };
}
