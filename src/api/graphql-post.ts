import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpErrorBody } from './http-error-body.js';

/** What `express.json({ limit: '1mb' })` accepts; a larger body goes to Express, which refuses it as before. */
const BODY_LIMIT_BYTES = 1024 * 1024;
/** The Content-Type values taken here, lower-cased with spaces removed; any other goes to Express. */
const JSON_CONTENT_TYPES = new Set(['application/json', 'application/json;charset=utf-8']);

/** What Express's error handler (src/api/app.ts) answers to a body that is not JSON and to an internal error. */
const NOT_JSON_BODY = httpErrorBody(400, true);
const INTERNAL_ERROR_BODY = httpErrorBody(500);

export interface GraphqlPostOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  context: (req: IncomingMessage) => Promise<TContext>;
  /** Runs `handle` within the request's scope (request id, span): the same functions Express runs before Apollo. */
  scope: (req: IncomingMessage, res: ServerResponse, handle: () => void) => void;
  log: (err: unknown) => void;
}

/**
 * `POST /graphql` with a JSON body, served by Apollo straight from node:http: what Express, its router, body-parser
 * and the Express integration did around Apollo for every query cost ~0.7 ms of a list page's ~10 CPU ms (issue 9,
 * bench/README.md step 6). Returns false, having touched nothing, for every request it does not take — other paths
 * and methods, other content types or charsets, compressed, empty, chunked or oversized bodies —, which Express then
 * serves exactly as before; so does every route that is not GraphQL over POST (health, metrics, the landing page).
 *
 * What it takes it answers as Express did: the body parsed as body-parser's strict JSON parser does (an object or
 * array, a BOM dropped), the same error for a body that is not JSON, the request scope and span around Apollo's
 * handling, Apollo's status, headers and body. Two headers Express added are not sent: `X-Powered-By` (now off in
 * Express too) and an `ETag`, which no cache uses on a POST and which cost a SHA-1 of every answer.
 */
export function graphqlPost<TContext extends BaseContext>(options: GraphqlPostOptions<TContext>): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST' || req.url !== '/graphql') return false;
    const contentType = req.headers['content-type'];
    if (!contentType || !JSON_CONTENT_TYPES.has(contentType.toLowerCase().replace(/ /g, ''))) return false;
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
    const length = Number(req.headers['content-length']);
    if (!(length > 0 && length <= BODY_LIMIT_BYTES) || req.headers['transfer-encoding'] !== undefined) return false;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const body = parseJsonBody(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      if (body === NOT_JSON) {
        send(res, 400, NOT_JSON_BODY);
        return;
      }
      options.scope(req, res, () => {
        answer(options, req, res, body).catch((err: unknown) => {
          options.log(err);
          if (!res.headersSent) send(res, 500, INTERNAL_ERROR_BODY);
          else res.destroy();
        });
      });
    });
    return true;
  };
}

async function answer<TContext extends BaseContext>(options: GraphqlPostOptions<TContext>, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const response = await options.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers, search: '', body },
    context: () => options.context(req),
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.setHeader('content-length', Buffer.byteLength(response.body.string));
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

const NOT_JSON = Symbol('not JSON');

/** body-parser's `json()` with `strict: true`: UTF-8, a leading BOM dropped, and only an object or array at the top. */
function parseJsonBody(buffer: Buffer): unknown {
  let text = buffer.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const first = /^[\x20\x09\x0a\x0d]*(.)/s.exec(text)?.[1];
  if (first !== '{' && first !== '[') return NOT_JSON;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
