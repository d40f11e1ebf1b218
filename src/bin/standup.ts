// `npm run standup -- <description.json> [--timeout SECONDS]`
// Applies an account's set-up description (docs/account-setup.schema.json) through the API's standUpAccount, then
// shows each operation per server as it progresses; exits 0 when READY, 1 when FAILED or TIMED_OUT, 2 when refused.
// ORCHESTRA_TOKEN (an API token) is required; ORCHESTRA_API_URL defaults to http://localhost:4000/graphql.
import { readFile } from 'node:fs/promises';
import { apiClientFromEnv, CliError } from '../cli/api-client.js';
import { exitStatusOf, followSetupRun, printUserErrors, SETUP_RUN_FIELDS, type SetupRunView } from '../cli/setup-progress.js';
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
  const api = apiClientFromEnv(process.env);
  const { standUpAccount: payload } = await api.request<{
    standUpAccount: { userErrors: { field: string; message: string; code: string }[]; setupRun: SetupRunView | null };
  }>(
    `mutation ($input: StandUpAccountInput!) { standUpAccount(input: $input) { userErrors { field message code } setupRun { ${SETUP_RUN_FIELDS} } } }`,
    { input: { description, timeoutSeconds, wait: false } },
  );
  if (payload.userErrors.length) {
    printUserErrors(payload.userErrors, (t) => console.error(t));
    return 2;
  }
  return exitStatusOf(await followSetupRun(api, payload.setupRun!.id, (t) => console.log(t)));
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof CliError)) throw err;
  console.error(`standup: ${err.message}`);
  process.exitCode = 2;
}
