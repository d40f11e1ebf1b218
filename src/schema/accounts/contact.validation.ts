import { EmailUsage } from '../../entities/accounts/email-usage.js';
import { UserErrorCode } from '../../errors/user-input-error.js';
import { EMAIL, PHONE, Validator, isCountryCode, phoneDigits } from '../../validation/validator.js';

export interface ContactFields {
  shortName: string;
  fullName: string;
  email: string;
  emailUsages: EmailUsage[];
  phone: string;
  phone2: string;
  address: string;
  city: string;
  zipcode: string;
  country: string;
}

const ZIPCODE = /^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/;
const VAT = /^[A-Z]{2}[A-Z0-9]{2,13}$/;

function checkPhone(v: Validator, field: string, value: string): string {
  const phone = v.text(field, value, { max: 32 });
  if (phone && (!PHONE.test(phone) || phoneDigits(phone) < 6 || phoneDigits(phone) > 15)) {
    v.add(field, 'must be a phone number with 6 to 15 digits, e.g. +34 934 123 456');
  }
  return phone;
}

/** Postal address rules shared by contacts and bill contacts: an address needs city, zipcode and country. */
export function checkAddress(
  v: Validator,
  input: { address?: string; city?: string; zipcode?: string; country?: string },
  required: boolean,
): { address: string; city: string; zipcode: string; country: string } {
  const address = v.text('address', input.address, { required, max: 1000 });
  const city = v.text('city', input.city, { required, max: 128 });
  const zipcode = v.text('zipcode', input.zipcode, { required, max: 10, pattern: ZIPCODE, patternMessage: 'is not a postal code' });
  const country = v.text('country', input.country?.toUpperCase(), { required, max: 2 });
  if (country && !isCountryCode(country)) v.add('country', 'must be an ISO 3166-1 alpha-2 code such as "ES"');
  if (address && !required) {
    if (!city) v.add('city', 'is required with an address', UserErrorCode.REQUIRED);
    if (!zipcode) v.add('zipcode', 'is required with an address', UserErrorCode.REQUIRED);
    if (!country) v.add('country', 'is required with an address', UserErrorCode.REQUIRED);
  }
  if (zipcode && !country && !(address && !required)) v.add('country', 'is required with a zipcode', UserErrorCode.REQUIRED);
  return { address, city, zipcode, country };
}

/** Validates a whole contact (after an update is merged in); returns the cleaned fields. */
export function checkContact(v: Validator, input: ContactFields): ContactFields {
  const shortName = v.text('shortName', input.shortName, { required: true, max: 128 });
  const fullName = v.text('fullName', input.fullName, { max: 256 });
  const email = v.text('email', input.email, { required: true, max: 254, pattern: EMAIL, patternMessage: 'is not an e-mail address' });
  const emailUsages = [...new Set(input.emailUsages)];
  const phone = checkPhone(v, 'phone', input.phone);
  const phone2 = checkPhone(v, 'phone2', input.phone2);
  const address = checkAddress(v, input, false);
  return { shortName, fullName, email, emailUsages, phone, phone2, ...address };
}

export function checkVat(v: Validator, vat: string | undefined): string {
  const value = v.text('vat', vat?.toUpperCase().replace(/[\s.-]/g, ''), { max: 15 });
  if (value && !VAT.test(value)) v.add('vat', 'must be a country prefix and 2 to 13 letters or digits, e.g. ESB12345678');
  return value;
}
