/**
 * The expression language shared by route matches (src/orchestration/routes/match-expression.ts) and billing
 * (src/billing/expressions/): a small, closed language over an object's plain fields, replacing django-orchestra's
 * raw Python `eval` (inventory §9.4). Nothing here imports routes or billing: other domains (a resource's scale such
 * as `10**9`) may use it on its own.
 *
 * Grammar (recursive descent; nothing else exists: no indexing, no attribute calls, no eval/Function):
 *   expression := or
 *   or         := and ("or" and)*
 *   and        := not ("and" not)*
 *   not        := "not" not | comparison
 *   comparison := additive (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not" "in") additive)?
 *   additive   := multiplicative (("+" | "-") multiplicative)*          — profiles with arithmetic only
 *   multiplicative := unary (("*" | "/" | "%") unary)*                   — idem
 *   unary      := "-" unary | power                                      — idem
 *   power      := operand ("**" wholeNumberLiteral)?                     — idem; the exponent 0..maxExponent
 *   operand    := literal | path | list | call | "(" expression ")"
 *   call       := function "(" (expression ("," expression)*)? ")"     — only the profile's functions
 *   list       := "[" (literal ("," literal)* ","?)? "]"
 *   literal    := string ('…' or "…", escapes \\ \' \" \n \t) | number (decimal, exact) | true | false | null
 *                 (True, False, None too, for expressions written for the original)
 *   path       := name ("." name)*   — one of the profile's fields, checked when compiled
 *
 * Semantics: numbers are exact decimals; `==` is strict (1 == "1" is false); `<`… compare two numbers or two strings,
 * anything else is false; `in` is list membership or substring; conditions take only the boolean true as true;
 * `+` adds numbers or joins two strings; arithmetic on anything else, a division by zero, or a function given a
 * value it does not take is an evaluation error. Fields are read as own properties of plain objects only;
 * `__proto__`, `constructor` and `prototype` are never names.
 */
export { compileExpression, type CompiledExpression, type ExpressionError, type ExpressionProfile } from './compile.js';
export { BILLING_FUNCTIONS, logsteps, type ExpressionFunction } from './functions.js';
export { ExprDecimal, ExpressionEvaluationError, isNumber, type Value } from './values.js';
