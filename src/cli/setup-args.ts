import { parseArgs } from 'node:util';
import { CliError } from './api-client.js';

/** `<one positional> [--timeout SECONDS]`, the arguments of standup and teardown. */
export function setupArgs(argv: string[], usage: string): { positionals: string[]; timeoutSeconds: number } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { timeout: { type: 'string', default: '600' } }, allowPositionals: true });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n${usage}`);
  }
  const timeoutSeconds = Number(parsed.values.timeout);
  if (parsed.positionals.length !== 1 || !Number.isInteger(timeoutSeconds)) throw new CliError(usage);
  return { positionals: parsed.positionals, timeoutSeconds };
}
