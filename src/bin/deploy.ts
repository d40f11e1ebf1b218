// `npm run deploy -- <setup|deploy|rollback|releases> --role api|worker --host SERVER --env staging|prod
//   [--tarball PATH] [--release NAME]`
// Orchestra's own deployment through the API's deployOrchestra (a workflow per action, over the SSH pool and the
// servers' pinned host keys). --host is a server's name in Orchestra; --tarball (deploy) a .tar.gz on the worker's
// host; --release (rollback) a release name. Exits 0 on success, 1 when the action failed, 2 when refused.
// ORCHESTRA_TOKEN (an API token) is required; ORCHESTRA_API_URL defaults to http://localhost:4000/graphql.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { apiClientFromEnv, CliError, runCli } from '../cli/api-client.js';
import { printUserErrors } from '../cli/setup-progress.js';

const USAGE = 'usage: deploy <setup|deploy|rollback|releases> --role api|worker --host SERVER --env staging|prod [--tarball PATH] [--release NAME]';
const ACTIONS = ['setup', 'deploy', 'rollback', 'releases'];

interface DeployRun {
  ok: boolean;
  stdout: string;
  stderr: string;
  workflowUrl: string;
  releases: { name: string; current: boolean; failed: boolean }[];
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { role: { type: 'string' }, host: { type: 'string' }, env: { type: 'string' }, tarball: { type: 'string' }, release: { type: 'string' } },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n${USAGE}`);
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1 || !ACTIONS.includes(positionals[0]) || !values.role || !values.host || !values.env) throw new CliError(USAGE);
  const api = apiClientFromEnv(process.env);
  const { servers } = await api.request<{ servers: { nodes: { id: string; name: string }[] } }>('query { servers(first: 100) { nodes { id name } } }');
  const server = servers.nodes.find((s) => s.name === values.host);
  if (!server) throw new CliError(`no server named ${values.host}`);
  const input = {
    action: positionals[0].toUpperCase(),
    serverId: server.id,
    role: values.role,
    env: values.env,
    release: values.release ?? null,
    releasePath: values.tarball ? resolve(values.tarball) : null,
  };
  const { deployOrchestra: payload } = await api.request<{ deployOrchestra: { userErrors: { field: string; message: string; code: string }[]; run: DeployRun | null } }>(
    `mutation ($input: DeployOrchestraInput!) { deployOrchestra(input: $input) {
      userErrors { field message code } run { ok stdout stderr workflowUrl releases { name current failed } } } }`,
    { input },
  );
  if (payload.userErrors.length) {
    printUserErrors(payload.userErrors, (t) => console.error(t));
    return 2;
  }
  const run = payload.run!;
  if (run.stdout) process.stdout.write(run.stdout.endsWith('\n') ? run.stdout : `${run.stdout}\n`);
  if (run.stderr) process.stderr.write(run.stderr.endsWith('\n') ? run.stderr : `${run.stderr}\n`);
  if (positionals[0] !== 'releases') for (const r of run.releases) console.log(`${r.name}${r.current ? ' current' : ''}${r.failed ? ' failed' : ''}`);
  console.log(`${run.ok ? 'done' : 'FAILED'} (${run.workflowUrl})`);
  return run.ok ? 0 : 1;
}

await runCli('deploy', main);
