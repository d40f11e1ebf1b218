/**
 * The clients of the GraphQL read bench (bench/graphql-read.ts) in a process of their own that loads nothing but
 * node:http: in the bench process they shared a heap with the seeding and the whole API's module graph (imported for
 * the page's query and the seed), and were charged 3–5× the CPU per request of bare clients (issue 9, session 9).
 * Started with an IPC channel; each message is one cell (a `LoadJob`), answered with its `LoadResult`.
 */
import { Agent, request } from 'node:http';

export interface LoadJob {
  urls: string[];
  concurrency: number;
  seconds: number;
  token: string;
  payload: string;
  /** The floor's body every answer must equal, or null to take the first answer as it is. */
  expected: Uint8Array | null;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  latencies: number[];
  /** CPU ms this process used for the cell (user + system). */
  clientCpuMs: number;
  body: Uint8Array;
  /** Set when an answer was not 200 or differed from `expected`. */
  error?: string;
}

/** `concurrency` clients, each sending the page query again as soon as its answer is read; client i talks to urls[i % n]. */
async function load(job: LoadJob): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const expected = job.expected ? Buffer.from(job.expected) : null;
  const latencies: number[] = [];
  let body: Buffer = Buffer.alloc(0);
  const once = (url: URL) =>
    new Promise<Buffer>((resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${job.token}`, 'content-length': Buffer.byteLength(job.payload) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks)}`))));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(job.payload);
    });
  const urls = job.urls.map((u) => new URL(u));
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const end = start + job.seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: job.concurrency }, async (_, i) => {
        while (performance.now() < end) {
          const t = performance.now();
          const got = await once(urls[i % urls.length]);
          latencies.push(performance.now() - t);
          if (expected && !got.equals(expected)) {
            const at = [...got].findIndex((byte, k) => byte !== expected[k]);
            throw new Error(`response differs from the floor's at byte ${at}:\n${got.subarray(Math.max(0, at - 200), at + 100).toString()}\nfloor:\n${expected.subarray(Math.max(0, at - 200), at + 100).toString()}`);
          }
          body = got;
        }
      }),
    );
  } catch (err) {
    return { requests: 0, seconds: 0, latencies: [], clientCpuMs: 0, body, error: err instanceof Error ? err.message : String(err) };
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { requests: latencies.length, seconds, latencies, clientCpuMs: (cpu.user + cpu.system) / 1000, body };
}

if (process.argv[1]?.endsWith('graphql-read-clients.ts')) {
  process.on('message', (job: LoadJob) => void load(job).then((result) => process.send!(result)));
  process.on('disconnect', () => process.exit(0));
}
