/**
 * One server of the GraphQL read bench (bench/graphql-read.ts), in a process of its own so that its CPU is its own and
 * it can be profiled. argv[2] is JSON: { mode, databaseUrl, tokenSecret, processes?, profileFile? }. Prints
 * `ready <url>` on stdout; SIGTERM ends it (see profileOnSignals for the profile).
 *
 *   - `graphql`: Orchestra's API as `startApi` builds it (the Temporal connection is lazy: a page of accounts never
 *     uses it); with `processes` > 1, that many API processes on one port as ORCHESTRA_API_PROCESSES runs them
 *     (src/api/api-processes.ts: this process is their node:cluster primary);
 *   - `raw`: the floor. node:http, node-postgres, three statements (count, page, contacts) and a JSON body built by
 *     hand, byte for byte what the GraphQL response to the bench's query is. No authentication, no scope;
 *   - `orm`: the calls the resolvers make, without GraphQL: authenticate the bearer token, a tenant-scoped fork,
 *     `paginate` (findByCursor with its count), the contacts loader's query; the same JSON body.
 */
import 'reflect-metadata';
import cluster from 'node:cluster';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../src/config/config.js';
import { createOrm } from '../src/db/orm.js';
import { startApi } from '../src/api/app.js';
import { startApiProcesses } from '../src/api/api-processes.js';
import { authenticate } from '../src/auth/authenticate.js';
import { applyTenantScope } from '../src/auth/tenant-scope.js';
import { paginate } from '../src/schema/relay/connection.js';
import { createLoaders } from '../src/schema/loaders.js';
import { toGlobalId } from '../src/schema/relay/global-id.js';
import { Account } from '../src/entities/accounts/account.js';
import { Contact } from '../src/entities/accounts/contact.js';

export type ServerMode = 'graphql' | 'raw' | 'orm';
export const PAGE_SIZE = 50;

/** The page every contender serves: `accounts(first: 50)` with its scalar fields, contacts and totalCount. */
export const PAGE_QUERY = `{ accounts(first: ${PAGE_SIZE}) { totalCount nodes { id username type language isActive shortName fullName createdAt updatedAt contacts { id shortName fullName email emailUsages phone phone2 address city zipcode country createdAt updatedAt } } } }`;

interface AccountRow {
  id: string;
  username: string;
  type: string;
  language: string;
  isActive: boolean;
  shortName: string;
  fullName: string;
  createdAt: Date;
  updatedAt: Date;
}
interface ContactRow {
  id: string;
  account: string;
  shortName: string;
  fullName: string;
  email: string;
  emailUsages: string[];
  phone: string;
  phone2: string;
  address: string;
  city: string;
  zipcode: string;
  country: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The GraphQL response body for PAGE_QUERY: keys in selection order as graphql-js writes them, a newline as Apollo. */
function pageBody(totalCount: number, accounts: AccountRow[], contactsOf: (accountId: string) => ContactRow[]): string {
  return `${JSON.stringify({
    data: {
      accounts: {
        totalCount,
        nodes: accounts.map((a) => ({
          id: toGlobalId('Account', a.id),
          username: a.username,
          type: a.type,
          language: a.language,
          isActive: a.isActive,
          shortName: a.shortName,
          fullName: a.fullName,
          createdAt: a.createdAt.toISOString(),
          updatedAt: a.updatedAt.toISOString(),
          contacts: contactsOf(a.id).map((c) => ({
            id: toGlobalId('Contact', c.id),
            shortName: c.shortName,
            fullName: c.fullName,
            email: c.email,
            emailUsages: c.emailUsages,
            phone: c.phone,
            phone2: c.phone2,
            address: c.address,
            city: c.city,
            zipcode: c.zipcode,
            country: c.country,
            createdAt: c.createdAt.toISOString(),
            updatedAt: c.updatedAt.toISOString(),
          })),
        })),
      },
    },
  })}\n`;
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

/** Serves `handler` on a loopback port for POST bodies (read and ignored: the page is fixed). */
function serve(handler: (req: IncomingMessage) => Promise<string>): Promise<string> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      handler(req).then(
        (body) => {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        },
        (err: unknown) => {
          console.error(err);
          res.writeHead(500).end();
        },
      );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`)));
}

async function rawServer(databaseUrl: string): Promise<string> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const accountColumns = `id::text, username, type::text, language, is_active as "isActive", short_name as "shortName", full_name as "fullName", created_at as "createdAt", updated_at as "updatedAt"`;
  const contactColumns = `id::text, account_id::text as account, short_name as "shortName", full_name as "fullName", email, email_usages::text[] as "emailUsages", phone, phone2, address, city, zipcode, country, created_at as "createdAt", updated_at as "updatedAt"`;
  return serve(async () => {
    const [count, page] = await Promise.all([
      pool.query<{ count: string }>('select count(*) from account'),
      pool.query<AccountRow>(`select ${accountColumns} from account order by account.username asc, account.id asc limit $1`, [PAGE_SIZE]),
    ]);
    const contacts = await pool.query<ContactRow>(`select ${contactColumns} from contact where account_id = any($1) order by contact.id asc`, [page.rows.map((a) => a.id)]);
    const byAccount = groupBy(contacts.rows, (c) => c.account);
    return pageBody(Number(count.rows[0].count), page.rows, (id) => byAccount.get(id) ?? []);
  });
}

async function ormServer(databaseUrl: string, tokenSecret: string): Promise<string> {
  const orm = await createOrm(databaseUrl);
  return serve(async (req) => {
    const viewer = await authenticate(orm.em.fork(), req.headers.authorization, tokenSecret, req.socket.remoteAddress ?? null);
    const em = orm.em.fork();
    applyTenantScope(em, viewer);
    const page = await paginate(em, Account, {}, { username: 'asc' }, { first: PAGE_SIZE });
    const contacts = await createLoaders(em).contactsByAccount.loadMany(page.nodes.map((a) => a.id));
    const byAccount = new Map(page.nodes.map((a, i) => [a.id, contacts[i] as Contact[]]));
    return pageBody(await page.totalCount, page.nodes, (id) => (byAccount.get(id) ?? []) as unknown as ContactRow[]);
  });
}

async function graphqlServer(databaseUrl: string, tokenSecret: string): Promise<string> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: '127.0.0.1:7233',
    ORCHESTRA_TOKEN_SECRET: tokenSecret,
    ORCHESTRA_SSH_KEY: '/nonexistent/bench-key',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });
  const orm = await createOrm(databaseUrl);
  const temporal = new Client({ connection: Connection.lazy({ address: config.temporalAddress }), namespace: config.temporalNamespace });
  const api = await startApi({ config, orm, temporal });
  return api.url;
}

/**
 * With a profile file: SIGUSR2 starts V8's CPU profiler (so start-up and warm-up are not in it), SIGTERM writes the
 * profile there before the process ends.
 */
function profileOnSignals(file: string): void {
  const session = new Session();
  session.connect();
  const post = <T>(method: string): Promise<T> =>
    new Promise((resolve, reject) => session.post(method, (err, result) => (err ? reject(err) : resolve(result as T))));
  let started = false;
  process.on('SIGUSR2', () => {
    started = true;
    void post('Profiler.enable').then(() => post('Profiler.start'));
  });
  process.removeAllListeners('SIGTERM');
  process.on('SIGTERM', () => {
    if (!started) process.exit(0);
    void post<{ profile: unknown }>('Profiler.stop').then(({ profile }) => {
      writeFileSync(file, JSON.stringify(profile));
      process.exit(0);
    });
  });
}

const isMain = process.argv[1]?.endsWith('graphql-read-server.ts');
if (isMain) {
  const job = JSON.parse(process.argv[2]) as { mode: ServerMode; databaseUrl: string; tokenSecret: string; processes?: number; profileFile?: string };
  process.on('SIGTERM', () => process.exit(0));
  if (job.profileFile) profileOnSignals(job.profileFile);
  if (job.mode === 'graphql' && (job.processes ?? 1) > 1) {
    if (cluster.isPrimary) {
      const processes = await startApiProcesses(job.processes!, { info: () => undefined, error: (m) => console.error(m) });
      process.removeAllListeners('SIGTERM');
      process.on('SIGTERM', () => void processes.stop().then(() => process.exit(0)));
      process.stdout.write(`ready http://127.0.0.1:${processes.port}/graphql\n`);
    } else {
      await graphqlServer(job.databaseUrl, job.tokenSecret);
    }
  } else {
    const url =
      job.mode === 'raw' ? await rawServer(job.databaseUrl) : job.mode === 'orm' ? await ormServer(job.databaseUrl, job.tokenSecret) : await graphqlServer(job.databaseUrl, job.tokenSecret);
    process.stdout.write(`ready ${url}\n`);
  }
}
