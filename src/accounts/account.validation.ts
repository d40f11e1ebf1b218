import { isReservedUsername } from '../orchestration/backends/system-users/reserved-usernames.js';
import { Validator, isLanguageCode } from '../validation/validator.js';

/** Linux user names are limited to 32 characters; the account name is also its main system user's name. */
export const USERNAME = /^[a-z][a-z0-9._-]{0,31}$/;

export function checkUsername(v: Validator, username: string | undefined): string {
  const value = v.text('username', username, {
    required: true,
    max: 32,
    pattern: USERNAME,
    patternMessage: 'must start with a letter and contain only a-z, 0-9, ".", "_" and "-"',
  });
  // The account's name is its main system user's: the same reserved names (./reserved-usernames.ts).
  if (value && USERNAME.test(value) && isReservedUsername(value)) v.add('username', 'is reserved for the system');
  return value;
}

export function checkLanguage(v: Validator, language: string | undefined): string | undefined {
  if (language === undefined) return undefined;
  if (!isLanguageCode(language)) v.add('language', 'must be an ISO 639-1 code such as "en"');
  return language;
}
