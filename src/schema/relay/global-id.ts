import { DomainError } from '../../errors/domain-error.js';

/** Global ids are base64url("Type:id"): opaque to clients, and they say which type they name. */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`).toString('base64url');
}

/** `field`: the argument it came in, for the error (src/schema/mutation.ts reports it as a userError there). */
export function fromGlobalId(globalId: string, field?: string): { type: string; id: string } {
  const decoded = /^[A-Za-z0-9_-]{1,200}$/.test(globalId) ? Buffer.from(globalId, 'base64url').toString() : '';
  const match = /^([A-Za-z]+):([1-9]\d{0,18})$/.exec(decoded);
  if (!match) throw new DomainError('INVALID_ID', `"${globalId.slice(0, 64)}" is not a valid id`, field);
  return { type: match[1], id: match[2] };
}

/** The database id of a global id that must name `type`. */
export function idOf(type: string, globalId: string, field?: string): string {
  const parsed = fromGlobalId(globalId, field);
  if (parsed.type !== type) throw new DomainError('INVALID_ID', `"${globalId.slice(0, 64)}" is not a ${type} id`, field);
  return parsed.id;
}
