import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { UserErrorCode, UserInputError, type UserError } from '../errors/user-input-error.js';
import { setupDescriptionSchema, type SetupDescription } from './setup-description.js';

let compiled: ValidateFunction | undefined;

/** `/systemUsers/0/username` → `systemUsers[0].username`, the path style of userErrors. */
function fieldPath(prefix: string, pointer: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return parts.reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : `${path}.${part}`), prefix);
}

function userErrorOf(prefix: string, e: ErrorObject): UserError {
  if (e.keyword === 'required') {
    return { field: fieldPath(prefix, `${e.instancePath}/${String(e.params.missingProperty)}`), message: 'is required', code: UserErrorCode.REQUIRED };
  }
  if (e.keyword === 'additionalProperties') {
    return { field: fieldPath(prefix, `${e.instancePath}/${String(e.params.additionalProperty)}`), message: 'is not a field of the description', code: UserErrorCode.INVALID };
  }
  const code = e.keyword === 'maxLength' || e.keyword === 'maxItems' ? UserErrorCode.TOO_LONG : UserErrorCode.INVALID;
  return { field: fieldPath(prefix, e.instancePath), message: e.message ?? 'is invalid', code };
}

/**
 * Checks a description against the published JSON Schema (ajv, every error at once); each problem is a userError
 * on its path under `field` (`input.description.systemUsers[0].username`). Nothing is read or written before.
 */
export function validateDescription(description: unknown, field = 'input.description'): SetupDescription {
  compiled ??= new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(setupDescriptionSchema());
  if (compiled(description)) return description as SetupDescription;
  throw new UserInputError((compiled.errors ?? []).map((e) => userErrorOf(field, e)));
}
