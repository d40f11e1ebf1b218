import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import { findAccount } from '../accounts/find-account.js';
import { PaymentMethod } from '../entities/payments/payment-enums.js';
import { PaymentSource } from '../entities/payments/payment-source.js';
import { UserErrorCode, UserInputError } from '../errors/user-input-error.js';
import type { UseCase } from '../use-cases/use-case.js';
import { noteTouched } from '../audit/audit-note.js';
import { toGlobalId } from '../schema/relay/global-id.js';
import { toSepaText } from './sepa/sepa-text.js';


export interface PaymentSourceRequest {
  accountId: string;
  method: PaymentMethod;
  iban?: string;
  bic?: string;
  holder?: string;
  label?: string;
}

/**
 * A payment source of an account (admins). A SEPA direct debit needs a valid IBAN (checksum and country format),
 * a valid BIC (checked by ibantools) and the holder's name, stored as given but refused when it has no form in
 * SEPA's characters (src/payments/sepa/sepa-text.ts: a file is never made with a name a bank may refuse); a card keeps
 * only a label.
 */
export async function createPaymentSource({ em, audit }: UseCase, input: PaymentSourceRequest): Promise<PaymentSource> {
  const account = await findAccount(em, input.accountId, 'input.accountId');
  const errors: { field: string; message: string; code: UserErrorCode }[] = [];
  let iban = '';
  let bic = '';
  let holder = '';
  if (input.method === PaymentMethod.SEPA_DIRECT_DEBIT) {
    iban = electronicFormatIBAN(input.iban ?? '') ?? '';
    if (!iban) errors.push({ field: 'input.iban', message: 'is required for a SEPA direct debit', code: UserErrorCode.REQUIRED });
    else if (!isValidIBAN(iban)) errors.push({ field: 'input.iban', message: 'is not a valid IBAN', code: UserErrorCode.INVALID });
    bic = (input.bic ?? '').trim().toUpperCase();
    if (!bic) errors.push({ field: 'input.bic', message: 'is required for a SEPA direct debit', code: UserErrorCode.REQUIRED });
    else if (!isValidBIC(bic)) errors.push({ field: 'input.bic', message: 'is not a valid BIC', code: UserErrorCode.INVALID });
    holder = (input.holder ?? '').trim();
    if (!holder) errors.push({ field: 'input.holder', message: 'is required for a SEPA direct debit', code: UserErrorCode.REQUIRED });
    else if (holder.length > 70) errors.push({ field: 'input.holder', message: 'is longer than 70 characters', code: UserErrorCode.TOO_LONG });
    else if (toSepaText(holder) === null) errors.push({ field: 'input.holder', message: 'may only have letters (accents and & are written as A-Z and + in SEPA files), digits, spaces and / - ? : ( ) . , \' +', code: UserErrorCode.INVALID });
  }
  const label = (input.label ?? '').trim();
  if (label.length > 64) errors.push({ field: 'input.label', message: 'is longer than 64 characters', code: UserErrorCode.TOO_LONG });
  if (errors.length) throw new UserInputError(errors);
  const source = em.create(PaymentSource, { account, method: input.method, iban, bic, holder, label });
  await em.flush();
  noteTouched(audit, { id: account.id, username: account.username }, toGlobalId('PaymentSource', source.id));
  return source;
}
