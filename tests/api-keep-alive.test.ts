/**
 * An idle keep-alive connection stays open longer than a load balancer's idle timeout (60 s at the common ones), so
 * the balancer, not the API, closes it: when the API closed first (Node's 5 s default), a request sent on the
 * connection just as it closed failed with ECONNRESET (the suite saw it when a busy test process reused a connection).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { connect, type Socket } from 'node:net';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
}, 120_000);

afterAll(async () => {
  await h?.close();
});

function request(socket: Socket, host: string): Promise<string> {
  const body = JSON.stringify({ query: '{ __typename }' });
  return new Promise((resolve, reject) => {
    let answer = '';
    const onData = (chunk: Buffer) => {
      answer += chunk.toString();
      const end = answer.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(answer)?.[1];
      if (end >= 0 && length !== undefined && Buffer.byteLength(answer.slice(end + 4)) >= Number(length)) {
        socket.off('data', onData);
        resolve(answer);
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`the API closed the connection; got: ${JSON.stringify(answer)}`)));
    socket.write(`POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
}

test('an idle keep-alive connection is still open after 7 s (the API keeps it past a balancer idle timeout)', async () => {
  const url = new URL(h.api.url);
  const socket = connect(Number(url.port), url.hostname);
  try {
    await new Promise((resolve) => socket.once('connect', resolve));
    expect(await request(socket, url.host)).toMatch(/^HTTP\/1\.1 200 [\s\S]*"__typename":"Query"/);
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    expect(await request(socket, url.host)).toMatch(/^HTTP\/1\.1 200 [\s\S]*"__typename":"Query"/);
  } finally {
    socket.destroy();
  }
}, 60_000);
