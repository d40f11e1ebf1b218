import { randomUUID } from 'node:crypto';

/** The header a proxy or client may send (and gets back): one id to filter every log line of a request by. */
export const REQUEST_ID_HEADER = 'x-request-id';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{8,64}$/;

/** The caller's request id if it is a plain token of sane length (it goes into logs and the database), else a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && ACCEPTABLE.test(value) ? value : randomUUID();
}
