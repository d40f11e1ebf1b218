import type { CompareOp, Node } from './parse.js';
import { ExprDecimal, ExpressionEvaluationError, isNumber, show, type Value } from './values.js';

function isPlainContainer(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A JavaScript value read from an object, as the language sees it: numbers become decimals. */
function fromData(value: unknown): Value {
  if (typeof value === 'number') return new ExprDecimal(value);
  if (Array.isArray(value)) return value.map(fromData);
  return value as Value;
}

/** Reads a field: own properties of plain objects only; the value must be data (no functions, no class instances). */
function read(obj: unknown, segments: readonly string[]): Value {
  let current: unknown = obj;
  for (const s of segments) {
    if (!isPlainContainer(current) || !Object.hasOwn(current, s)) return null;
    current = current[s];
  }
  if (current === undefined) return null;
  if (typeof current === 'function' || typeof current === 'symbol' || typeof current === 'bigint') return null;
  if (typeof current === 'object' && current !== null && !Array.isArray(current) && !isPlainContainer(current)) return null;
  return fromData(current);
}

function equal(a: Value, b: Value): boolean {
  if (isNumber(a) || isNumber(b)) return isNumber(a) && isNumber(b) && a.equals(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i] as Value));
  return a === b;
}

function contains(container: Value, item: Value): boolean {
  if (Array.isArray(container)) return container.some((x) => equal(x as Value, item));
  if (typeof container === 'string' && typeof item === 'string') return container.includes(item);
  return false;
}

function compare(op: CompareOp, a: Value, b: Value): boolean {
  switch (op) {
    case '==':
      return equal(a, b);
    case '!=':
      return !equal(a, b);
    case 'in':
      return contains(b, a);
    case 'not in':
      return !contains(b, a);
    default: {
      let order: number;
      if (isNumber(a) && isNumber(b)) {
        if (a.isNaN() || b.isNaN()) return false;
        order = a.comparedTo(b);
      } else if (typeof a === 'string' && typeof b === 'string') {
        order = a < b ? -1 : a > b ? 1 : 0;
      } else {
        return false;
      }
      return op === '<' ? order < 0 : op === '<=' ? order <= 0 : op === '>' ? order > 0 : order >= 0;
    }
  }
}

function numberOperand(op: string, value: Value) {
  if (!isNumber(value)) throw new ExpressionEvaluationError(`"${op}" needs numbers, not ${show(value)}`);
  return value;
}

/**
 * Evaluates a compiled tree over an object. Conditions are strict: only the boolean true is true. Arithmetic on
 * something other than numbers, a division by zero, or a function given a value it does not take throws an
 * ExpressionEvaluationError (only billing expressions, which have arithmetic, can throw).
 */
export function evaluateNode(node: Node, obj: Record<string, unknown>): Value {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'list':
      return node.items;
    case 'path':
      return read(obj, node.segments);
    case 'not':
      return evaluateNode(node.operand, obj) !== true;
    case 'and':
      return evaluateNode(node.left, obj) === true && evaluateNode(node.right, obj) === true;
    case 'or':
      return evaluateNode(node.left, obj) === true || evaluateNode(node.right, obj) === true;
    case 'compare':
      return compare(node.op, evaluateNode(node.left, obj), evaluateNode(node.right, obj));
    case 'negate':
      return numberOperand('-', evaluateNode(node.operand, obj)).negated();
    case 'power':
      return numberOperand('**', evaluateNode(node.base, obj)).pow(node.exponent);
    case 'call':
      return node.fn.call(node.args.map((a) => evaluateNode(a, obj)));
    case 'arithmetic': {
      const left = evaluateNode(node.left, obj);
      const right = evaluateNode(node.right, obj);
      if (node.op === '+' && typeof left === 'string' && typeof right === 'string') return left + right;
      const a = numberOperand(node.op, left);
      const b = numberOperand(node.op, right);
      if ((node.op === '/' || node.op === '%') && b.isZero()) throw new ExpressionEvaluationError(`division by zero ("${node.op}" ${b.toString()})`);
      switch (node.op) {
        case '+':
          return a.plus(b);
        case '-':
          return a.minus(b);
        case '*':
          return a.times(b);
        case '/':
          return a.dividedBy(b);
        case '%':
          return a.modulo(b);
      }
    }
  }
}
