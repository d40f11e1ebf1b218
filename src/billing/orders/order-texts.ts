import { AccountType } from '../../entities/accounts/account-type.js';
import type { TextLanguage } from '../../i18n/languages.js';

/** The built-in words an order description may show, per language Orchestra writes (src/i18n/languages.ts). */
interface OrderTexts {
  yes: string;
  no: string;
  /** Between a number's whole part and its decimals. */
  decimalSeparator: string;
  accountTypes: Record<AccountType, string>;
}

const TEXTS: Record<TextLanguage, OrderTexts> = {
  en: {
    yes: 'yes',
    no: 'no',
    decimalSeparator: '.',
    accountTypes: {
      INDIVIDUAL: 'Individual', ASSOCIATION: 'Association', CUSTOMER: 'Customer', COMPANY: 'Company', PUBLICBODY: 'Public body', STAFF: 'Staff', FRIEND: 'Friend',
    },
  },
  es: {
    yes: 'sí',
    no: 'no',
    decimalSeparator: ',',
    accountTypes: {
      INDIVIDUAL: 'Particular', ASSOCIATION: 'Asociación', CUSTOMER: 'Cliente', COMPANY: 'Empresa', PUBLICBODY: 'Organismo público', STAFF: 'Personal', FRIEND: 'Amigo',
    },
  },
  ca: {
    yes: 'sí',
    no: 'no',
    decimalSeparator: ',',
    accountTypes: {
      INDIVIDUAL: 'Particular', ASSOCIATION: 'Associació', CUSTOMER: 'Client', COMPANY: 'Empresa', PUBLICBODY: 'Organisme públic', STAFF: 'Personal', FRIEND: 'Amic',
    },
  },
};

const isAccountType = (value: string): value is AccountType => Object.hasOwn(AccountType, value);

/**
 * A field's value as an order description shows it in `language`: booleans as words, an account's type by its name,
 * numbers with the language's decimal separator (from their exact decimal text: no float, no rounding), anything
 * else as it is (names, identifiers, dates as ISO text).
 */
export function describeValue(language: TextLanguage, path: string, value: string | number | boolean | { toString(): string }): string {
  const texts = TEXTS[language];
  if (typeof value === 'boolean') return value ? texts.yes : texts.no;
  if (typeof value === 'string') return path === 'account.type' && isAccountType(value) ? texts.accountTypes[value] : value;
  const text = value.toString();
  return /^-?\d+\.\d+$/.test(text) ? text.replace('.', texts.decimalSeparator) : text;
}
