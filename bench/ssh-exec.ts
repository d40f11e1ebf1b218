// Warm pooled exec vs a new SSH connection per exec, against a real sshd in a host sandbox on loopback.
//   node_modules/.bin/node --import ./scripts/register.js bench/ssh-exec.ts [iterations]
// Rows:
//   pool.run (warm)        SshPool.run of `true`: wrapper + framed script on stdin, the production path
//   raw ssh2 exec (warm)   ssh2 exec of `true` on an open connection: the floor for one channel round trip
//   new connection + run   connect (TCP, kex, auth) + the same exec + disconnect, i.e. no pooling
// Needs root (host sandbox) like the tests.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import ssh2 from 'ssh2';
import { SshPool } from '../src/orchestration/ssh/index.js';
import { startSshHost, type SshHost } from '../tests/support/sshd-host.js';

const iterations = Number(process.argv[2] ?? 40);

type Client = InstanceType<typeof ssh2.Client>;

function connect(h: SshHost): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.once('ready', () => {
      client.setNoDelay(true);
      resolve(client);
    });
    client.once('error', reject);
    client.connect({ host: '127.0.0.1', port: h.port, username: 'root', privateKey: readFileSync(h.privateKeyPath), authHandler: ['publickey'] });
  });
}

function exec(client: Client, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, channel) => {
      if (err) return reject(err);
      channel.resume();
      channel.stderr.resume();
      channel.on('close', () => resolve());
      channel.end();
    });
  });
}

async function measure(label: string, fn: () => Promise<void>): Promise<{ label: string; samples: number[] }> {
  for (let i = 0; i < 3; i++) await fn(); // warm up (JIT, first connection)
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return { label, samples };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const host = await startSshHost('bench');
const pool = new SshPool({ privateKeyPath: host.privateKeyPath });
const warm = await connect(host);
try {
  const rows = [
    await measure('pool.run (warm)', async () => {
      await pool.run(host.endpoint, 'true', { timeoutMs: 30_000 });
    }),
    await measure('raw ssh2 exec (warm)', () => exec(warm, 'true')),
    await measure('new connection + run', async () => {
      const client = await connect(host);
      await exec(client, 'true');
      client.end();
    }),
  ];
  const base = pct([...rows[0].samples].sort((x, y) => x - y), 50);
  console.log(`ssh exec latency, ${iterations} iterations each, loopback sshd (OpenSSH), ms`);
  console.log('| path | p50 | p95 | mean | p50 vs pool.run |');
  console.log('|---|---:|---:|---:|---:|');
  for (const { label, samples } of rows) {
    const sorted = [...samples].sort((x, y) => x - y);
    const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
    const p50 = pct(sorted, 50);
    console.log(`| ${label} | ${p50.toFixed(1)} | ${pct(sorted, 95).toFixed(1)} | ${mean.toFixed(1)} | ${(p50 / base).toFixed(2)}× |`);
  }
} finally {
  warm.end();
  await pool.close();
  await host.close();
}
