import { Validator, isLanguageCode } from '../validation.js';

/** Linux user names are limited to 32 characters; the account name is also its main system user's name. */
export const USERNAME = /^[a-z][a-z0-9._-]{0,31}$/;

/** Names a customer may not take: they belong to the servers' own system users and services. */
const RESERVED = new Set([
  'root', 'daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy', 'www-data',
  'backup', 'list', 'irc', 'gnats', 'nobody', 'systemd-network', 'systemd-resolve', 'messagebus', 'sshd',
  'postfix', 'dovecot', 'bind', 'mysql', 'postgres', 'nginx', 'apache', 'ftp', 'admin', 'administrator',
  'orchestra', 'operator', 'support', 'staff', 'abuse', 'postmaster', 'hostmaster', 'webmaster',
]);

export function checkUsername(v: Validator, username: string | undefined): string {
  const value = v.text('username', username, {
    required: true,
    max: 32,
    pattern: USERNAME,
    patternMessage: 'must start with a letter and contain only a-z, 0-9, ".", "_" and "-"',
  });
  if (value && USERNAME.test(value) && RESERVED.has(value)) v.add('username', 'is reserved for the system');
  return value;
}

export function checkLanguage(v: Validator, language: string | undefined): string | undefined {
  if (language === undefined) return undefined;
  if (!isLanguageCode(language)) v.add('language', 'must be an ISO 639-1 code such as "en"');
  return language;
}
