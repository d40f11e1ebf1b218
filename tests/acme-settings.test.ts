/** The ACME settings: parsed once with the configuration; a bad value is a configuration problem naming it. */
import { expect, test } from '@jest/globals';
import { DEFAULT_ACME_SETTINGS, readAcmeSettings } from '../src/config/acme-settings.js';
import { loadConfig } from '../src/config/config.js';

test('defaults: Let\'s Encrypt, no contact, the servers\' CA store, 30 days', () => {
  expect(readAcmeSettings({})).toEqual({ settings: DEFAULT_ACME_SETTINGS, problems: [] });
  expect(DEFAULT_ACME_SETTINGS).toEqual({ directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory', contact: null, caFile: null, renewDays: 30 });
});

test('values from the environment', () => {
  const env = { ORCHESTRA_ACME_DIRECTORY_URL: 'https://10.0.0.5:14000/dir', ORCHESTRA_ACME_CONTACT: 'hostmaster@example.com', ORCHESTRA_ACME_CA_FILE: '/etc/orchestra/ca.pem', ORCHESTRA_ACME_RENEW_DAYS: '20' };
  expect(readAcmeSettings(env)).toEqual({ settings: { directoryUrl: 'https://10.0.0.5:14000/dir', contact: 'hostmaster@example.com', caFile: '/etc/orchestra/ca.pem', renewDays: 20 }, problems: [] });
});

test.each([
  ['ORCHESTRA_ACME_DIRECTORY_URL', 'http://acme.example/dir'],
  ['ORCHESTRA_ACME_DIRECTORY_URL', 'https://acme.example/dir"$(id)'],
  ['ORCHESTRA_ACME_CONTACT', 'not an address'],
  ['ORCHESTRA_ACME_CONTACT', 'a@b.example"]}'],
  ['ORCHESTRA_ACME_CA_FILE', 'relative/ca.pem'],
  ['ORCHESTRA_ACME_CA_FILE', '/etc/../root/ca.pem'],
  ['ORCHESTRA_ACME_RENEW_DAYS', '0'],
  ['ORCHESTRA_ACME_RENEW_DAYS', 'soon'],
])('%s=%s is refused, by name, with the whole configuration', (name, value) => {
  const { problems } = readAcmeSettings({ [name]: value });
  expect(problems).toEqual([expect.stringContaining(name)]);
  expect(() => loadConfig({ ...process.env, [name]: value })).toThrow(name);
});
