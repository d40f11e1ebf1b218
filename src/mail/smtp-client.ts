import { createTransport } from 'nodemailer';
import type { SmtpServer } from '../config/outgoing-mail-settings.js';

/** A plain-text message (a limit notice). */
export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
}

/** A message that may be tried again: fixed Message-ID and Date, attachments (a bill's PDF). */
export interface OutgoingMessage extends MailMessage {
  /** `<…@…>`: the same for every attempt of one message, so a receiver can tell a repeat. */
  messageId?: string;
  date?: Date;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
}

/** A refusal by the server: 5xx is permanent (no retry helps), 4xx and transport errors are worth retrying. */
export class SmtpError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'SmtpError';
  }
}

/**
 * Orchestra's one SMTP client (limit notices, bills). Hands one message with its attachments to the configured
 * SMTP server (nodemailer: MIME, header encoding, STARTTLS, authentication).
 * Resolves with the server's reply once it accepted the message. Throws SmtpError: permanent for a 5xx refusal of
 * the message or every recipient (no retry helps), otherwise worth retrying (the server down, 4xx, a timeout, a
 * refused login — an operator fixes the credentials and the retries go on).
 */
export async function sendSmtpMessage(server: SmtpServer, from: string, message: OutgoingMessage): Promise<string> {
  const transport = createTransport({
    host: server.host,
    port: server.port,
    secure: server.secure,
    // A password is never sent in clear: with credentials, plain smtp:// must upgrade with STARTTLS. Without them it
    // is the host's own MTA, which may offer STARTTLS with a certificate nobody signed: plain, as before.
    requireTLS: Boolean(server.auth) && !server.secure,
    ignoreTLS: !server.auth && !server.secure,
    auth: server.auth ? { user: server.auth.username, pass: server.auth.password } : undefined,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 120_000,
    logger: false,
  });
  try {
    const info = await transport.sendMail({
      from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      messageId: message.messageId,
      date: message.date,
      attachments: message.attachments,
    });
    return String(info.response ?? '');
  } catch (err) {
    const e = err as { message?: string; code?: string; responseCode?: number };
    const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.code !== 'EAUTH';
    throw new SmtpError(`SMTP: ${e.message ?? String(err)}`, permanent);
  } finally {
    transport.close();
  }
}
