/**
 * Where Orchestra's own e-mail goes (limit notices, bills): an SMTP server. Plain `smtp://` is the worker host's own
 * MTA (e.g. postfix on localhost, which then delivers; STARTTLS when it offers it); `smtps://` a relay over TLS.
 * The password is a secret: read here once, never in the URL (which problems and logs may quote), never printed
 * (describeConfig masks it, and the logger redacts `password` keys).
 *
 * | variable | default |
 * | ORCHESTRA_SMTP_URL | none: notices are not sent (logged), bills stay queued with the reason |
 * | ORCHESTRA_SMTP_USERNAME, ORCHESTRA_SMTP_PASSWORD | none: no authentication (both or neither) |
 * | ORCHESTRA_MAIL_FROM | orchestra@localhost |
 */
export interface SmtpServer {
  host: string;
  port: number;
  /** `smtps://`: TLS from the first byte (port 465 by default). */
  secure: boolean;
  auth: { username: string; password: string } | null;
}

export interface OutgoingMailSettings {
  /** Null: no e-mail. */
  smtp: SmtpServer | null;
  from: string;
}

export function readOutgoingMailSettings(env: Record<string, string | undefined>): { settings: OutgoingMailSettings; problems: string[] } {
  const problems: string[] = [];
  let smtp: OutgoingMailSettings['smtp'] = null;
  const url = env.ORCHESTRA_SMTP_URL;
  const username = env.ORCHESTRA_SMTP_USERNAME ?? '';
  const password = env.ORCHESTRA_SMTP_PASSWORD ?? '';
  if (Boolean(username) !== Boolean(password)) problems.push('ORCHESTRA_SMTP_USERNAME and ORCHESTRA_SMTP_PASSWORD go together (both or neither)');
  if (url) {
    try {
      const parsed = new URL(url);
      const secure = parsed.protocol === 'smtps:';
      if ((parsed.protocol !== 'smtp:' && !secure) || !parsed.hostname || parsed.username || parsed.password || parsed.pathname.replace(/^\/$/, '')) throw new Error('bad');
      smtp = {
        host: parsed.hostname.replace(/^\[|\]$/g, ''),
        port: parsed.port ? Number(parsed.port) : secure ? 465 : 25,
        secure,
        auth: username && password ? { username, password } : null,
      };
    } catch {
      // Not the URL itself: a password pasted into it would be printed with the problem.
      problems.push('ORCHESTRA_SMTP_URL must be smtp://host[:port] or smtps://host[:port] (credentials in ORCHESTRA_SMTP_USERNAME and ORCHESTRA_SMTP_PASSWORD)');
    }
  }
  const from = env.ORCHESTRA_MAIL_FROM || 'orchestra@localhost';
  if (!/^[^\s@<>]{1,64}@[A-Za-z0-9.-]{1,253}$/.test(from)) problems.push(`ORCHESTRA_MAIL_FROM must be an e-mail address, got "${from}"`);
  return { settings: { smtp, from }, problems };
}
