/**
 * Who collects the SEPA direct debits and pays the refunds (src/payments/process/): the creditor's name, bank account
 * and creditor identifier, from the environment. All four, or none (then payments.process leaves SEPA transactions
 * waiting and says why in its log). loadConfig (./config.ts) reports bad values at start; the worker's activity reads
 * them through `sepaSettings()`, parsed once.
 *
 * | variable | |
 * | ORCHESTRA_SEPA_CREDITOR_NAME | up to 70 characters, written in SEPA's characters (accents dropped, & as +) |
 * | ORCHESTRA_SEPA_CREDITOR_IBAN, ORCHESTRA_SEPA_CREDITOR_BIC | the account the debits are paid into and refunds paid from |
 * | ORCHESTRA_SEPA_CREDITOR_ID | the SEPA creditor identifier (AT-02) |
 */
import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import { isValidCreditorIdentifier } from '../payments/sepa/creditor-identifier.js';
import { toSepaText } from '../payments/sepa/sepa-text.js';

export interface SepaCreditor {
  name: string;
  iban: string;
  bic: string;
  creditorId: string;
}

type Env = Record<string, string | undefined>;

const VARIABLES = ['ORCHESTRA_SEPA_CREDITOR_NAME', 'ORCHESTRA_SEPA_CREDITOR_IBAN', 'ORCHESTRA_SEPA_CREDITOR_BIC', 'ORCHESTRA_SEPA_CREDITOR_ID'] as const;

export function readSepaSettings(env: Env): { settings: SepaCreditor | null; problems: string[] } {
  const given = VARIABLES.filter((name) => env[name]);
  if (given.length === 0) return { settings: null, problems: [] };
  const problems: string[] = [];
  if (given.length < VARIABLES.length) problems.push(`${VARIABLES.filter((name) => !env[name]).join(', ')} must be set too (SEPA needs all four of ${VARIABLES.join(', ')})`);
  const name = toSepaText(env.ORCHESTRA_SEPA_CREDITOR_NAME ?? '');
  if (env.ORCHESTRA_SEPA_CREDITOR_NAME && (name === null || name.length > 70)) problems.push('ORCHESTRA_SEPA_CREDITOR_NAME must be up to 70 letters, digits, spaces and / - ? : ( ) . , \' + (accents and & are converted)');
  const iban = electronicFormatIBAN(env.ORCHESTRA_SEPA_CREDITOR_IBAN ?? '') ?? '';
  if (env.ORCHESTRA_SEPA_CREDITOR_IBAN && !isValidIBAN(iban)) problems.push('ORCHESTRA_SEPA_CREDITOR_IBAN is not a valid IBAN');
  const bic = (env.ORCHESTRA_SEPA_CREDITOR_BIC ?? '').trim().toUpperCase();
  if (env.ORCHESTRA_SEPA_CREDITOR_BIC && !isValidBIC(bic)) problems.push('ORCHESTRA_SEPA_CREDITOR_BIC is not a valid BIC');
  const creditorId = (env.ORCHESTRA_SEPA_CREDITOR_ID ?? '').replace(/\s+/g, '').toUpperCase();
  if (env.ORCHESTRA_SEPA_CREDITOR_ID && !isValidCreditorIdentifier(creditorId)) problems.push('ORCHESTRA_SEPA_CREDITOR_ID is not a valid SEPA creditor identifier');
  if (problems.length) return { settings: null, problems };
  return { settings: { name: name!, iban, bic, creditorId }, problems };
}

let current: SepaCreditor | null | undefined;

/** The process's SEPA creditor (read once; loadConfig has refused bad values before anything uses them). */
export function sepaSettings(): SepaCreditor | null {
  if (current === undefined) current = readSepaSettings(process.env).settings;
  return current;
}

/** For tests: a creditor to use instead of the environment's (undefined: read the environment again). */
export function setSepaSettings(settings: SepaCreditor | null | undefined): void {
  current = settings;
}
