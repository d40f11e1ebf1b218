import { Socket } from 'node:net';

export interface MailMessage {
  to: string[];
  subject: string;
  /** Plain text. */
  text: string;
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

/** A header value: no line breaks (header injection), non-ASCII as RFC 2047 UTF-8 words. */
function headerValue(value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(clean) ? clean : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

/** The DATA part: headers, the body with CRLF line ends and leading dots doubled (RFC 5321 §4.5.2). */
export function formatMessage(from: string, message: MailMessage, date = new Date()): string {
  const body = message.text.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
  return [
    `From: ${from}`,
    `To: ${message.to.join(', ')}`,
    `Subject: ${headerValue(message.subject)}`,
    `Date: ${date.toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
  ].join('\r\n');
}

/**
 * Sends one message over plain SMTP (EHLO, MAIL FROM, RCPT TO, DATA, QUIT) to a relay: the worker host's MTA, which
 * queues and delivers. Small on purpose: no TLS, no authentication. Addresses are the API-validated contact e-mails.
 */
export async function sendMail(server: { host: string; port: number }, from: string, message: MailMessage, timeoutMs = 30_000): Promise<void> {
  for (const address of [from, ...message.to]) {
    if (/[\s<>\r\n]/.test(address)) throw new SmtpError(`not an address: ${JSON.stringify(address)}`, true);
  }
  const socket = new Socket();
  socket.setTimeout(timeoutMs);
  let buffer = '';
  const waiting: ((line: string) => void)[] = [];
  let failure: Error | null = null;
  const fail = (err: Error) => {
    failure ??= err;
    for (const w of waiting.splice(0)) w('');
  };
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    // A reply ends with a line whose 4th character is a space ("250 ok"; "250-…" lines continue it).
    for (let m = /^(\d{3}) [^\n]*\n/m.exec(buffer); m; m = /^(\d{3}) [^\n]*\n/m.exec(buffer)) {
      const end = m.index + m[0].length;
      const reply = buffer.slice(0, end);
      buffer = buffer.slice(end);
      waiting.shift()?.(reply);
    }
  });
  socket.on('timeout', () => fail(new SmtpError('the SMTP server did not answer in time', false)));
  socket.on('error', (err) => fail(new SmtpError(`SMTP connection: ${err.message}`, false)));
  socket.on('close', () => fail(new SmtpError('the SMTP server closed the connection', false)));
  const reply = () => new Promise<string>((resolve) => (failure ? resolve('') : waiting.push(resolve)));
  const expect = async (what: string, ok: RegExp) => {
    const text = await reply();
    if (failure) throw failure;
    if (!ok.test(text)) throw new SmtpError(`SMTP ${what}: ${text.trim()}`, text.startsWith('5'));
  };
  const send = (line: string) => socket.write(`${line}\r\n`);
  try {
    const greeting = reply();
    socket.connect(server.port, server.host);
    const text = await greeting;
    if (failure) throw failure;
    if (!text.startsWith('220')) throw new SmtpError(`SMTP greeting: ${text.trim()}`, text.startsWith('5'));
    send('EHLO orchestra');
    await expect('EHLO', /^250/);
    send(`MAIL FROM:<${from}>`);
    await expect('MAIL FROM', /^250/);
    for (const to of message.to) {
      send(`RCPT TO:<${to}>`);
      await expect(`RCPT TO ${to}`, /^25[01]/);
    }
    send('DATA');
    await expect('DATA', /^354/);
    socket.write(`${formatMessage(from, message)}\r\n.\r\n`);
    await expect('message', /^250/);
    send('QUIT');
    await reply();
  } finally {
    socket.removeAllListeners('close');
    socket.destroy();
  }
}
