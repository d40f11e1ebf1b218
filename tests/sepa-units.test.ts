/**
 * SEPA files' parts without a database (issue 13): text in SEPA's characters (transliterated, or refused), XML
 * escaping of every field, the creditor identifier's check digits, the creditor settings, and the validation the
 * processing relies on: a file that breaks its schema is refused by xmllint with the shipped XSD.
 */
import { expect, test } from '@jest/globals';
import { BillingDecimal } from '../src/billing/money.js';
import { readSepaSettings } from '../src/config/sepa-settings.js';
import { isValidCreditorIdentifier } from '../src/payments/sepa/creditor-identifier.js';
import { creditTransferFile } from '../src/payments/sepa/credit-transfer-file.js';
import { directDebitFile } from '../src/payments/sepa/direct-debit-file.js';
import { toSepaText } from '../src/payments/sepa/sepa-text.js';
import { SepaFileInvalidError, validateSepaFile } from '../src/payments/sepa/validate-sepa-file.js';
import { el, escapeXml } from '../src/payments/sepa/xml.js';
import { TEST_CREDITOR, xmllintValidates } from './support/payments-fixtures.js';

const file = (name: string, amount = '12.10') => ({
  messageId: 'ORCHESTRA-1', createdAt: new Date('2026-11-29T10:00:00Z'), requestedOn: '2026-12-04', creditor: TEST_CREDITOR,
  payments: [{ endToEndId: 'I20260001-1', amount: new BillingDecimal(amount), name, iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', mandateId: 'ORCHESTRA-MANDATE-1', mandateSignedOn: '2026-01-01', remittance: 'Bill I20260001' }],
});

test('names take SEPA\'s characters: accents dropped, special letters spelled out, & as +; no Latin form is null', () => {
  expect(toSepaText('José Peña & Hijos')).toBe('Jose Pena + Hijos');
  expect(toSepaText('Straße Łódź Ærø  Œuvre')).toBe('Strasse Lodz AEro OEuvre');
  expect(toSepaText("O’Brien\u00a0Ltd")).toBe("O'Brien Ltd");
  for (const bad of ['東京', 'A < B', 'x"y', 'semi;colon', 'mail@example']) expect([bad, toSepaText(bad)]).toEqual([bad, null]);
});

test('every text and attribute is escaped', () => {
  expect(escapeXml(`a & <b> "c" 'd'`)).toBe('a &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos;');
  expect(el('Nm', '<x>&', { Ccy: '"' })).toBe('<Nm Ccy="&quot;">&lt;x&gt;&amp;</Nm>');
});

test('a file is never written with a name outside SEPA\'s characters (refused where it enters)', () => {
  expect(() => directDebitFile(file('Sepa <Co>'))).toThrow(/outside SEPA/);
});

test('both files validate with xmllint against the shipped XSDs; unicode names go in transliterated, long ones cut to 70', async () => {
  const long = 'Ñ'.repeat(80);
  const debit = directDebitFile(file(long));
  expect(await xmllintValidates(debit, 'pain.008.001.02')).toBe('- validates');
  expect(debit).toContain(`<Dbtr><Nm>${'N'.repeat(70)}</Nm></Dbtr>`);
  const credit = creditTransferFile(file("Zoë & O'Neil"));
  expect(await xmllintValidates(credit, 'pain.001.001.03')).toBe('- validates');
  expect(credit).toContain('<Cdtr><Nm>Zoe + O&apos;Neil</Nm></Cdtr>');
});

test('validation refuses a file that breaks its schema (a currency that is no ISO code, the other message schema)', async () => {
  await expect(validateSepaFile(directDebitFile(file('Ok')), 'pain.008.001.02')).resolves.toBeUndefined();
  const broken = directDebitFile(file('Ok')).replace('<InstdAmt Ccy="EUR">12.10</InstdAmt>', '<InstdAmt Ccy="EURO">12.10</InstdAmt>');
  await expect(validateSepaFile(broken, 'pain.008.001.02')).rejects.toBeInstanceOf(SepaFileInvalidError);
  await expect(validateSepaFile(directDebitFile(file('Ok')), 'pain.001.001.03')).rejects.toThrow(/pain\.001\.001\.03\.xsd/);
});

test('the creditor identifier\'s check digits (ISO 7064 MOD 97-10, business code left out)', () => {
  expect(isValidCreditorIdentifier('DE98ZZZ09999999999')).toBe(true);
  expect(isValidCreditorIdentifier('DE98ABC09999999999')).toBe(true);
  expect(isValidCreditorIdentifier('DE97ZZZ09999999999')).toBe(false);
  expect(isValidCreditorIdentifier('DE98ZZZ')).toBe(false);
});

test('creditor settings: none, all four valid, or every problem named', () => {
  expect(readSepaSettings({})).toEqual({ settings: null, problems: [] });
  const good = readSepaSettings({
    ORCHESTRA_SEPA_CREDITOR_NAME: 'Hostería & Cía', ORCHESTRA_SEPA_CREDITOR_IBAN: 'es91 2100 0418 4502 0005 1332', ORCHESTRA_SEPA_CREDITOR_BIC: 'caixesbbxxx', ORCHESTRA_SEPA_CREDITOR_ID: 'DE98 ZZZ 09999999999',
  });
  expect(good).toEqual({ settings: { name: 'Hosteria + Cia', iban: 'ES9121000418450200051332', bic: 'CAIXESBBXXX', creditorId: 'DE98ZZZ09999999999' }, problems: [] });
  const bad = readSepaSettings({ ORCHESTRA_SEPA_CREDITOR_NAME: '東京', ORCHESTRA_SEPA_CREDITOR_IBAN: 'ES00', ORCHESTRA_SEPA_CREDITOR_ID: 'DE97ZZZ09999999999' });
  expect(bad.settings).toBeNull();
  expect(bad.problems.map((p) => p.split(' ')[0])).toEqual(['ORCHESTRA_SEPA_CREDITOR_BIC', 'ORCHESTRA_SEPA_CREDITOR_NAME', 'ORCHESTRA_SEPA_CREDITOR_IBAN', 'ORCHESTRA_SEPA_CREDITOR_ID']);
});
