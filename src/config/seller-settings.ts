/**
 * Who bills (printed on every bill, src/bills/document/): the seller's name, address, VAT number, contact and bank
 * account, from the environment.
 *
 * | variable | default |
 * | ORCHESTRA_SELLER_NAME | Orchestra hosting |
 * | ORCHESTRA_SELLER_ADDRESS | none (one line; "\n" for more) |
 * | ORCHESTRA_SELLER_VAT, ORCHESTRA_SELLER_EMAIL, ORCHESTRA_SELLER_PHONE, ORCHESTRA_SELLER_WEBSITE | none |
 * | ORCHESTRA_SELLER_IBAN | none: the bank account bank-transfer bills are paid to |
 */
export interface SellerSettings {
  name: string;
  address: string;
  vat: string;
  email: string;
  phone: string;
  website: string;
  iban: string;
}

export function readSellerSettings(env: Record<string, string | undefined>): { settings: SellerSettings; problems: string[] } {
  const problems: string[] = [];
  const value = (name: string, fallback = '') => {
    const v = env[name] ?? fallback;
    if (v.length > 256) problems.push(`${name} is longer than 256 characters`);
    return v.replace(/\\n/g, '\n');
  };
  const settings = {
    name: value('ORCHESTRA_SELLER_NAME', 'Orchestra hosting'),
    address: value('ORCHESTRA_SELLER_ADDRESS'),
    vat: value('ORCHESTRA_SELLER_VAT'),
    email: value('ORCHESTRA_SELLER_EMAIL'),
    phone: value('ORCHESTRA_SELLER_PHONE'),
    website: value('ORCHESTRA_SELLER_WEBSITE'),
    iban: value('ORCHESTRA_SELLER_IBAN'),
  };
  return { settings, problems };
}
