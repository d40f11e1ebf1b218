/**
 * The command-line tools' way to Orchestra: its GraphQL API over HTTP, as any integrator would use it, with an API
 * token (`createApiToken`) in ORCHESTRA_TOKEN. ORCHESTRA_API_URL defaults to the `npm start` address.
 */
export const DEFAULT_API_URL = 'http://localhost:4000/graphql';

export class CliError extends Error {}

/** Runs a command line's MAIN: its result is the exit status; a CliError is printed as `NAME: message` with status 2. */
export async function runCli(name: string, main: (argv: string[]) => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    console.error(`${name}: ${err.message}`);
    process.exitCode = 2;
  }
}

export interface ApiClient {
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

export function apiClientFromEnv(env: NodeJS.ProcessEnv): ApiClient {
  const url = env.ORCHESTRA_API_URL || DEFAULT_API_URL;
  const token = env.ORCHESTRA_TOKEN;
  if (!token) throw new CliError('ORCHESTRA_TOKEN is not set: create an API token with the createApiToken mutation and set it');
  return {
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        });
      } catch (err) {
        throw new CliError(`cannot reach ${url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : String(err)}`);
      }
      const body = (await response.json().catch(() => null)) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] } | null;
      if (!body) throw new CliError(`${url} answered ${response.status} without a GraphQL body`);
      if (body.errors?.length) throw new CliError(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
      return body.data as T;
    },
  };
}
