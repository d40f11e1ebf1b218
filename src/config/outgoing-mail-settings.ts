/**
 * Where Orchestra's own e-mail goes (limit notices to an account's contacts): an SMTP relay, without TLS or
 * authentication (the worker host's own MTA, e.g. postfix on localhost, which then delivers).
 *
 * | variable | default |
 * | ORCHESTRA_SMTP_URL | none: notices are not sent (logged) |
 * | ORCHESTRA_MAIL_FROM | orchestra@localhost |
 */
export interface OutgoingMailSettings {
  /** `smtp://host:port`, or null: no e-mail. */
  smtp: { host: string; port: number } | null;
  from: string;
}

export function readOutgoingMailSettings(env: Record<string, string | undefined>): { settings: OutgoingMailSettings; problems: string[] } {
  const problems: string[] = [];
  let smtp: OutgoingMailSettings['smtp'] = null;
  const url = env.ORCHESTRA_SMTP_URL;
  if (url) {
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'smtp:' || !parsed.hostname || parsed.username || parsed.pathname.replace(/^\/$/, '')) throw new Error('bad');
      smtp = { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port ? Number(parsed.port) : 25 };
    } catch {
      problems.push(`ORCHESTRA_SMTP_URL must be smtp://host[:port], got "${url}"`);
    }
  }
  const from = env.ORCHESTRA_MAIL_FROM || 'orchestra@localhost';
  if (!/^[^\s@<>]{1,64}@[A-Za-z0-9.-]{1,253}$/.test(from)) problems.push(`ORCHESTRA_MAIL_FROM must be an e-mail address, got "${from}"`);
  return { settings: { smtp, from }, problems };
}
