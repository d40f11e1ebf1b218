import { spawn } from 'node:child_process';

/** Debian's weasyprint (a maintained HTML-to-PDF converter; scripts/setup.sh installs it). */
export const WEASYPRINT = '/usr/bin/weasyprint';

/**
 * A bill's PDF from its HTML: weasyprint reads the HTML on stdin and writes the PDF on stdout; nothing is fetched
 * (the template has no external resources, and weasyprint gets no base URL to resolve any against).
 */
export function htmlToPdf(html: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(WEASYPRINT, ['--encoding', 'utf-8', '-', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`weasyprint exited with ${code}: ${err.trim().split('\n').at(-1) ?? ''}`));
    });
    child.stdin.end(html);
  });
}
