/**
 * Small helpers for validating plain objects (sources and stored snapshots) without a schema library.
 * Validators collect every issue instead of stopping at the first, so a GraphQL `userError` can list them all.
 */
import { SnapshotValidationError, type ValidationIssue } from './backend.js';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Control characters (C0, DEL, C1) and the Unicode line/paragraph separators; tab is allowed where stated. */
export const CONTROL_CHARS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/;

export class IssueList {
  readonly issues: ValidationIssue[] = [];

  add(field: string, message: string): void {
    this.issues.push({ field, message });
  }

  get ok(): boolean {
    return this.issues.length === 0;
  }

  throwIfAny(backend: string): void {
    if (this.issues.length > 0) throw new SnapshotValidationError(backend, this.issues);
  }

  /** The object whose fields are validated; anything else is refused at once (it has no fields to look at). */
  object(raw: unknown, backend: string): Record<string, unknown> {
    if (isPlainObject(raw)) return raw;
    this.add('', 'must be an object');
    throw new SnapshotValidationError(backend, this.issues);
  }

  /** A required string; returns '' (and records an issue) when missing. */
  string(obj: Record<string, unknown>, field: string, path = field): string {
    const v = own(obj, field);
    if (typeof v !== 'string') {
      this.add(path, 'must be a string');
      return '';
    }
    return v;
  }

  boolean(obj: Record<string, unknown>, field: string, path = field, fallback?: boolean): boolean {
    const v = own(obj, field);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'boolean') {
      this.add(path, 'must be true or false');
      return false;
    }
    return v;
  }

  /** An id: a non-empty string or a safe integer, returned as a string. */
  id(obj: Record<string, unknown>, field: string, path = field): string {
    const v = own(obj, field);
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    if (typeof v === 'string' && v !== '' && v.length <= 100 && !CONTROL_CHARS.test(v)) return v;
    this.add(path, 'must be an id (a non-empty string or an integer)');
    return '';
  }

  /** Runs a check that returns an error message or null; records it under `path`. */
  check(path: string, message: string | null): boolean {
    if (message !== null) this.add(path, message);
    return message === null;
  }
}

/** Own enumerable property lookup that ignores prototypes (`__proto__`, `constructor` are never inherited values). */
export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}
