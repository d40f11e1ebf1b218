import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Debian's xmllint (libxml2-utils; scripts/setup.sh installs it): the schema validator the worker runs. */
export const XMLLINT = '/usr/bin/xmllint';

export type SepaSchema = 'pain.008.001.02' | 'pain.001.001.03';

export function schemaPath(schema: SepaSchema): string {
  return fileURLToPath(new URL(`./xsd/${schema}.xsd`, import.meta.url));
}

export class SepaFileInvalidError extends Error {
  constructor(readonly schema: SepaSchema, readonly problems: string) {
    super(`a SEPA file does not validate against ${schema}.xsd: ${problems}`);
    this.name = 'SepaFileInvalidError';
  }
}

/**
 * Validates a file against the official XSD of its message (src/payments/sepa/xsd/) with `xmllint --schema`, the
 * file on stdin, no network. Resolves when valid; rejects with xmllint's messages otherwise.
 */
export function validateSepaFile(xml: string, schema: SepaSchema): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(XMLLINT, ['--noout', '--nonet', '--schema', schemaPath(schema), '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new SepaFileInvalidError(schema, err.trim().split('\n').filter((l) => !l.endsWith(' fails to validate')).slice(0, 5).join('; ')));
    });
    child.stdin.end(xml);
  });
}
