/**
 * A real SMTP server for tests: Python's standard-library `smtpd` (Debian 12's Python 3.11), on a free loopback
 * port, collecting every message it accepts (envelope and content) instead of delivering it. Not a fake of ours:
 * Orchestra's SMTP client talks to an independent implementation of the protocol.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface SinkMessage {
  from: string;
  to: string[];
  /** The message as received (headers and body), dot-unstuffed by the server. */
  data: string;
}

export interface SmtpSink {
  port: number;
  url: string;
  messages: SinkMessage[];
  close(): Promise<void>;
}

const SERVER = `
import asyncore, base64, json, sys, warnings
warnings.simplefilter('ignore')
import smtpd
class Sink(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        sys.stdout.write(json.dumps({'from': mailfrom, 'to': rcpttos, 'data': base64.b64encode(data).decode()}) + '\\n')
        sys.stdout.flush()
Sink(('127.0.0.1', int(sys.argv[1])), None, decode_data=False)
sys.stdout.write('ready\\n'); sys.stdout.flush()
asyncore.loop()
`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A sink on a free port, or on `port` (the same address again after a `close()`: an SMTP server back from an outage). */
export async function startSmtpSink(port?: number): Promise<SmtpSink> {
  port ??= await freePort();
  const child: ChildProcess = spawn('python3', ['-W', 'ignore', '-c', SERVER, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const messages: SinkMessage[] = [];
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  await new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.once('exit', (code) => reject(new Error(`the SMTP sink exited (${code}): ${stderr}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === 'ready') resolve();
        else if (line) {
          const m = JSON.parse(line) as { from: string; to: string[]; data: string };
          messages.push({ from: m.from, to: m.to, data: Buffer.from(m.data, 'base64').toString('utf8') });
        }
      }
    });
  });
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
