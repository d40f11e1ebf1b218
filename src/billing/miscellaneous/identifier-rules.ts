/**
 * How an item's identifier is checked, by the name of its kind (the original's MISCELLANEOUS_IDENTIFIER_VALIDATORS):
 * a kind named `domain` or `domain-…` takes domain names; any other kind, one word of printable characters. The
 * identifier is stored lowercased. Returns a problem, or null.
 */
type Rule = (identifier: string) => string | null;

const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const domainRule: Rule = (identifier) => (DOMAIN_NAME.test(identifier) ? null : 'must be a domain name, e.g. example.com');
const wordRule: Rule = (identifier) => (/^[\x21-\x7e]{1,256}$/.test(identifier) ? null : 'must be one word of printable ASCII characters');

export function identifierRuleOf(kindName: string): Rule {
  return kindName === 'domain' || kindName.startsWith('domain-') ? domainRule : wordRule;
}
