import { AccountType } from '../entities/accounts/account-type.js';
import type { JsonSchema } from './setup-section.js';
import { setupSectionList } from './sections/index.js';

/** The account part of a set-up description. */
export interface AccountItem {
  username: string;
  type?: keyof typeof AccountType;
  language?: string;
  shortName?: string;
  fullName?: string;
  /** Its login user's and main system user's password when the account is created; later applies leave it. */
  password?: string;
}

/** An account's whole set-up: the account, then one list per registered kind of service (./sections/). */
export type SetupDescription = { account: AccountItem } & Record<string, unknown>;

export const SETUP_SCHEMA_ID = 'https://orchestra.invalid/schemas/account-setup.schema.json';

/**
 * The JSON Schema of set-up descriptions, built from the registered sections (published as
 * docs/account-setup.schema.json and by the `accountSetupSchema` query). A kind left out of a description is left
 * alone on the account; a kind listed (even empty) is the whole list of that kind: objects it does not list are deleted.
 */
export function setupDescriptionSchema(): JsonSchema {
  const sections = setupSectionList();
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: SETUP_SCHEMA_ID,
    title: 'Orchestra account set-up',
    description:
      'An account and its services, applied by standUpAccount (npm run standup). Applying the same description again changes nothing. ' +
      'A kind of service left out is left alone; a kind listed is the whole list of it: unlisted objects are deleted. ' +
      'A field left out of an item leaves an existing object\'s value as it is.',
    type: 'object',
    additionalProperties: false,
    required: ['account'],
    properties: {
      $schema: { type: 'string' },
      account: {
        type: 'object',
        additionalProperties: false,
        required: ['username'],
        properties: {
          username: { type: 'string', minLength: 1, maxLength: 32 },
          type: { enum: Object.keys(AccountType), description: 'INDIVIDUAL when created without one.' },
          language: { type: 'string', minLength: 2, maxLength: 2 },
          shortName: { type: 'string', maxLength: 64 },
          fullName: { type: 'string', maxLength: 256 },
          password: { type: 'string', description: 'Used when the account is created (its login and main system user); later applies leave it.' },
        },
      },
      ...Object.fromEntries(sections.map((s) => [s.kind, { description: s.description, type: 'array', items: s.itemSchema }])),
    },
  };
}
