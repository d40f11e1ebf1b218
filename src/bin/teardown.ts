// `npm run teardown -- <account username or id> [--timeout SECONDS]`
// Deletes an account and everything it has through the API's tearDownAccount, then shows each operation per server as
// it progresses; exits 0 when READY (nothing of it is left on any server), 1 when FAILED or TIMED_OUT, 2 when refused.
// ORCHESTRA_TOKEN (an API token) is required; ORCHESTRA_API_URL defaults to http://localhost:4000/graphql.
import { apiClientFromEnv, runCli } from '../cli/api-client.js';
import { startAndFollowSetupRun } from '../cli/setup-progress.js';
import { setupArgs } from '../cli/setup-args.js';

const USAGE = 'usage: teardown <account username or id> [--timeout SECONDS]';

async function main(argv: string[]): Promise<number> {
  const { positionals: names, timeoutSeconds } = setupArgs(argv, USAGE);
  const api = apiClientFromEnv(process.env);
  // A username is looked up (exactly); anything else is taken as an account id.
  const { accounts } = await api.request<{ accounts: { nodes: { id: string; username: string }[] } }>(
    'query ($search: String!) { accounts(first: 100, filter: { search: $search }) { nodes { id username } } }',
    { search: names[0] },
  );
  const id = accounts.nodes.find((a) => a.username === names[0])?.id ?? names[0];
  return startAndFollowSetupRun(api, 'tearDownAccount', 'TearDownAccountInput', { id, timeoutSeconds });
}

await runCli('teardown', main);
