/**
 * Where websites' certificates come from (the acme-certificates backend), read from the environment like the web
 * settings (./web-settings.ts). One ACME CA for every server.
 *
 * | variable | default |
 * | ORCHESTRA_ACME_DIRECTORY_URL | `https://acme-v02.api.letsencrypt.org/directory` |
 * | ORCHESTRA_ACME_CONTACT | none: the e-mail address the CA may write to about the servers' certificates |
 * | ORCHESTRA_ACME_CA_FILE | none (the server's CA store): a CA file on the servers that signs the directory's own TLS certificate (a private or test CA) |
 * | ORCHESTRA_ACME_RENEW_DAYS | `30`: a certificate is renewed when it expires within this many days |
 */
import { isIP } from 'node:net';

export interface AcmeSettings {
  directoryUrl: string;
  contact: string | null;
  caFile: string | null;
  renewDays: number;
}

type Env = Record<string, string | undefined>;

export const DEFAULT_ACME_SETTINGS: AcmeSettings = { directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory', contact: null, caFile: null, renewDays: 30 };

// Written into JSON and a curl argument on the servers: no quotes, spaces or backslashes.
const URL_SAFE = /^https:\/\/[A-Za-z0-9.:/_~%+-]+$/;
const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;
const PATH = /^\/[A-Za-z0-9._/-]+$/;

/** What is wrong with the settings, or null. The backend checks its snapshots with it too. */
export function acmeSettingsProblem(s: AcmeSettings): string | null {
  if (!URL_SAFE.test(s.directoryUrl) || !URL.canParse(s.directoryUrl) || (isIP(new URL(s.directoryUrl).hostname) === 0 && !new URL(s.directoryUrl).hostname.includes('.'))) {
    return `ORCHESTRA_ACME_DIRECTORY_URL must be an https URL, got "${s.directoryUrl}"`;
  }
  if (s.contact !== null && (!EMAIL.test(s.contact) || s.contact.length > 254)) return `ORCHESTRA_ACME_CONTACT must be an e-mail address, got "${s.contact}"`;
  if (s.caFile !== null && (!PATH.test(s.caFile) || s.caFile.includes('..'))) return `ORCHESTRA_ACME_CA_FILE must be an absolute path, got "${s.caFile}"`;
  if (!Number.isInteger(s.renewDays) || s.renewDays < 1 || s.renewDays > 365) return `ORCHESTRA_ACME_RENEW_DAYS must be a whole number of days from 1 to 365, got "${s.renewDays}"`;
  return null;
}

export function readAcmeSettings(env: Env): { settings: AcmeSettings; problems: string[] } {
  const days = env.ORCHESTRA_ACME_RENEW_DAYS;
  const settings: AcmeSettings = {
    directoryUrl: env.ORCHESTRA_ACME_DIRECTORY_URL || DEFAULT_ACME_SETTINGS.directoryUrl,
    contact: env.ORCHESTRA_ACME_CONTACT || null,
    caFile: env.ORCHESTRA_ACME_CA_FILE || null,
    renewDays: days ? Number(days) : DEFAULT_ACME_SETTINGS.renewDays,
  };
  const problem = acmeSettingsProblem(settings);
  return problem ? { settings: DEFAULT_ACME_SETTINGS, problems: [problem] } : { settings, problems: [] };
}

let current: AcmeSettings | undefined;

export function acmeSettings(): AcmeSettings {
  current ??= readAcmeSettings(process.env).settings;
  return current;
}

/** For tests: settings to use instead of the environment's (undefined: read the environment again). */
export function setAcmeSettings(settings: AcmeSettings | undefined): void {
  current = settings;
}
