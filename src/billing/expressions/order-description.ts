import type { ExpressionError } from '../../expressions/index.js';
import type { TextLanguage } from '../../i18n/languages.js';
import { describeValue } from '../orders/order-texts.js';

/** `{path}` placeholders in an order description template. */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}/g;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

export type CompiledDescription = { ok: true; render(obj: Record<string, unknown>, language: TextLanguage): string } | { ok: false; error: ExpressionError };

/**
 * An order description template: text with `{field}` placeholders naming the same fields as the expressions
 * (`FTP account {systemuser.username}`), checked when the service is saved. Plain substitution, never evaluated;
 * rendered in the account's language (as the original rendered under `translation.override(account.language)`):
 * booleans, account types and decimal separators in that language's words (order-texts.ts).
 */
export function compileOrderDescription(template: string, fields: readonly string[]): CompiledDescription {
  const allowed = new Set(fields);
  for (const m of template.matchAll(PLACEHOLDER)) {
    const path = m[1]!;
    if (path.split('.').some((s) => FORBIDDEN.has(s)) || !allowed.has(path)) {
      return { ok: false, error: { message: `unknown field "${path}" in the description`, position: m.index } };
    }
  }
  return {
    ok: true,
    render: (obj, language) =>
      template.replace(PLACEHOLDER, (_all, path: string) => {
        let current: unknown = obj;
        for (const s of path.split('.')) current = current && typeof current === 'object' && Object.hasOwn(current, s) ? (current as Record<string, unknown>)[s] : null;
        if (current === null || current === undefined) return '';
        return describeValue(language, path, current as string | number | boolean | { toString(): string });
      }),
  };
}
