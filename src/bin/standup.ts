// `npm run standup -- <description.json> [--timeout SECONDS]`
// Applies an account's set-up description (docs/account-setup.schema.json) through the API's standUpAccount, then
// shows each operation per server as it progresses; exits 0 when READY, 1 when FAILED or TIMED_OUT, 2 when refused.
// ORCHESTRA_TOKEN (an API token) is required; ORCHESTRA_API_URL defaults to http://localhost:4000/graphql.
import { readFile } from 'node:fs/promises';
import { apiClientFromEnv, CliError, runCli } from '../cli/api-client.js';
import { startAndFollowSetupRun } from '../cli/setup-progress.js';
import { setupArgs } from '../cli/setup-args.js';

const USAGE = 'usage: standup <description.json> [--timeout SECONDS]';

async function main(argv: string[]): Promise<number> {
  const { positionals: files, timeoutSeconds } = setupArgs(argv, USAGE);
  let description: unknown;
  try {
    description = JSON.parse(await readFile(files[0], 'utf8'));
  } catch (err) {
    throw new CliError(`${files[0]}: ${(err as Error).message}`);
  }
  return startAndFollowSetupRun(apiClientFromEnv(process.env), 'standUpAccount', 'StandUpAccountInput', { description, timeoutSeconds });
}

await runCli('standup', main);
