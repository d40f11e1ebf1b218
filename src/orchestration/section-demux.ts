import type { OutputStream } from './ssh/index.js';

export type SectionEvent =
  | { kind: 'begin'; index: number }
  | { kind: 'end'; index: number; exitCode: number }
  | { kind: 'lost'; index: number; status: number }
  | { kind: 'skipped'; index: number };

interface StreamState {
  buffer: string;
  /** The section whose output this stream carries now; -1 between sections. */
  section: number;
}

const MARKER = /^(begin|skipped):(\d+)$|^(end|lost):(\d+):(\d+)$/;

/**
 * Splits a coalesced claim's output (src/orchestration/claim-script.ts) back into its sections: text goes to the
 * section it belongs to, stream by stream; the markers become events in the order the host printed them, a section's
 * end once both streams showed it (all its output is in).
 * A marker may arrive split over chunks: a tail that could be the start of one waits for the next chunk.
 */
export class SectionDemux {
  private readonly tag: string;
  private readonly streams: Record<OutputStream, StreamState> = { stdout: { buffer: '', section: -1 }, stderr: { buffer: '', section: -1 } };
  /** Sections whose end marker one stream has shown so far, and which. */
  private readonly ended = new Map<number, OutputStream>();

  constructor(
    nonce: string,
    private readonly onEvent: (event: SectionEvent) => void,
    private readonly onText: (section: number, stream: OutputStream, text: string) => void,
  ) {
    this.tag = `\n${nonce}:`;
  }

  feed(stream: OutputStream, chunk: string): void {
    const s = this.streams[stream];
    s.buffer += chunk;
    for (;;) {
      const at = s.buffer.indexOf(this.tag);
      if (at < 0) {
        const keep = this.partialTag(s.buffer);
        this.text(stream, s.buffer.slice(0, s.buffer.length - keep));
        s.buffer = s.buffer.slice(s.buffer.length - keep);
        return;
      }
      this.text(stream, s.buffer.slice(0, at));
      const eol = s.buffer.indexOf('\n', at + this.tag.length);
      if (eol < 0) {
        s.buffer = s.buffer.slice(at);
        return;
      }
      const marker = s.buffer.slice(at + this.tag.length, eol);
      s.buffer = s.buffer.slice(eol + 1);
      this.marker(stream, marker);
    }
  }

  /** What is left at the end of the exec (a partial marker that never completed is output). */
  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      this.text(stream, this.streams[stream].buffer);
      this.streams[stream].buffer = '';
    }
  }

  private marker(stream: OutputStream, marker: string): void {
    const m = MARKER.exec(marker);
    // Not one of ours (cannot happen without the nonce): keep it as output.
    if (!m) return this.text(stream, `${this.tag}${marker}\n`);
    const kind = m[1] ?? m[3];
    const index = Number(m[2] ?? m[4]);
    if (kind === 'begin') {
      this.streams[stream].section = index;
      if (stream === 'stdout') this.onEvent({ kind, index });
      return;
    }
    this.streams[stream].section = -1;
    if (kind === 'end') {
      // Ended once both streams are past it: stderr may still be on its way when stdout's end arrives.
      const other = this.ended.get(index);
      if (other === undefined) return void this.ended.set(index, stream);
      this.ended.delete(index);
      if (other !== stream) this.onEvent({ kind, index, exitCode: Number(m[5]) });
      return;
    }
    if (stream !== 'stdout') return;
    if (kind === 'skipped') this.onEvent({ kind, index });
    else this.onEvent({ kind: 'lost', index, status: Number(m[5]) });
  }

  private text(stream: OutputStream, text: string): void {
    const section = this.streams[stream].section;
    if (text && section >= 0) this.onText(section, stream, text);
  }

  /** Length of the longest end of `buffer` that is a beginning of the tag. */
  private partialTag(buffer: string): number {
    for (let k = Math.min(this.tag.length - 1, buffer.length); k > 0; k--) {
      if (this.tag.startsWith(buffer.slice(-k))) return k;
    }
    return 0;
  }
}
