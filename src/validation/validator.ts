import { UserErrorCode, UserInputError, type UserError } from '../errors/user-input-error.js';

/**
 * Collects every problem of an input before anything is written, so the client gets them all at once.
 * `check()` throws a UserInputError when there is any.
 */
export class Validator {
  private readonly errors: UserError[] = [];
  constructor(private readonly prefix = 'input') {}

  add(field: string, message: string, code: UserErrorCode = UserErrorCode.INVALID): this {
    this.errors.push({ field: `${this.prefix}.${field}`, message, code });
    return this;
  }

  /** Trims and checks a text; returns the cleaned value. Control characters are never accepted. */
  text(field: string, value: string | undefined | null, opts: { required?: boolean; max: number; pattern?: RegExp; patternMessage?: string }): string {
    const v = (value ?? '').trim();
    if (!v) {
      if (opts.required) this.add(field, 'is required', UserErrorCode.REQUIRED);
      return v;
    }
    if (v.length > opts.max) this.add(field, `must be at most ${opts.max} characters`, UserErrorCode.TOO_LONG);
    else if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(v)) this.add(field, 'must not contain control characters');
    else if (opts.pattern && !opts.pattern.test(v)) this.add(field, opts.patternMessage ?? 'is invalid');
    return v;
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  check(): void {
    if (this.errors.length) throw new UserInputError([...this.errors]);
  }
}

export const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
/** International phone numbers: optional +, then digits with spaces, dots, dashes or parentheses; 6 to 15 digits. */
export const PHONE = /^\+?[0-9][0-9 ().-]{4,24}$/;
export function phoneDigits(phone: string): number {
  return phone.replace(/\D/g, '').length;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
/** ISO 3166-1 alpha-2 country codes known to the ICU data Node ships. */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && code !== 'ZZ' && regionNames.of(code) !== code;
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
export function isLanguageCode(code: string): boolean {
  return /^[a-z]{2}$/.test(code) && languageNames.of(code) !== code;
}
