import { StringDecoder } from 'node:string_decoder';

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * One captured stream (stdout or stderr) with a byte bound. A script that prints gigabytes must not take the worker's
 * memory (or the database row) with it, yet both ends matter: the head says what started, the tail how it ended
 * (the error). So it keeps the first half of the bound and the last half, and marks the result truncated.
 * It also decodes chunks for live streaming, never splitting a UTF-8 character across two chunks.
 */
export class BoundedOutput {
  private readonly headCap: number;
  private readonly tailCap: number;
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;
  private readonly decoder = new StringDecoder('utf8');

  constructor(maxBytes: number = DEFAULT_MAX_OUTPUT_BYTES) {
    if (!(maxBytes >= 2)) throw new RangeError(`maxOutputBytes must be at least 2, got ${maxBytes}`);
    this.headCap = Math.floor(maxBytes / 2);
    this.tailCap = maxBytes - this.headCap;
  }

  /** Stores a chunk; returns its decoded text for streaming (possibly '' while a character is incomplete). */
  push(chunk: Buffer): string {
    this.total += chunk.length;
    let rest = chunk;
    if (this.headBytes < this.headCap) {
      const take = rest.subarray(0, this.headCap - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      rest = rest.subarray(take.length);
    }
    if (rest.length > 0) {
      this.tail.push(rest);
      this.tailBytes += rest.length;
      while (this.tailBytes > this.tailCap) {
        const excess = this.tailBytes - this.tailCap;
        const first = this.tail[0];
        if (first.length <= excess) {
          this.tail.shift();
          this.tailBytes -= first.length;
        } else {
          this.tail[0] = first.subarray(excess);
          this.tailBytes -= excess;
        }
      }
    }
    return this.decoder.write(chunk);
  }

  /** What an incomplete trailing character left in the streaming decoder (call once, at the end). */
  flush(): string {
    return this.decoder.end();
  }

  get totalBytes(): number {
    return this.total;
  }

  get truncated(): boolean {
    return this.total > this.headBytes + this.tailBytes;
  }

  /** The captured text: everything, or head + a marker naming the omitted byte count + tail. */
  text(): string {
    const head = Buffer.concat(this.head);
    const tail = Buffer.concat(this.tail);
    if (!this.truncated) return Buffer.concat([head, tail]).toString('utf8');
    const omitted = this.total - head.length - tail.length;
    const headText = head.subarray(0, completeUtf8Prefix(head)).toString('utf8');
    const tailText = tail.subarray(utf8Start(tail)).toString('utf8');
    return `${headText}\n[orchestra: ${omitted} bytes of output omitted]\n${tailText}`;
  }
}

/** Length of the longest prefix of `b` that does not end inside a UTF-8 character. */
function completeUtf8Prefix(b: Buffer): number {
  for (let i = b.length - 1; i >= 0 && i >= b.length - 4; i--) {
    const byte = b[i];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + need <= b.length ? b.length : i;
  }
  return b.length;
}

/** Index of the first byte of `b` that is not a UTF-8 continuation byte (at most 3 skipped). */
function utf8Start(b: Buffer): number {
  let i = 0;
  while (i < 3 && i < b.length && (b[i] & 0xc0) === 0x80) i++;
  return i;
}
