/**
 * A size cap on each reply a Redis or Sentinel sends (RESP2 and RESP3). Pure.
 *
 * ioredis buffers a reply whole before handing it over, and allocates an
 * aggregate's array from its header: one `$4000000000` from a fake Sentinel
 * raised every watcher to ~400 MB for good. This scanner sees every chunk
 * before ioredis's parser does (adapters/guarded-connector.ts) and follows
 * only the framing: headers, blob lengths and aggregate counts, never the
 * payload. A reply (a top-level value, with everything nested in it) may be
 * at most `maxBytes` long; a header promising more is refused at once, before
 * its bytes arrive. vipctl's largest legitimate reply, SENTINEL MASTERS, is
 * about 1.5 KB per master.
 */

export const MAX_REPLY_BYTES = 1024 * 1024;

export class ReplyGuard {
  /** Bytes of the current top-level reply seen so far. */
  private bytes = 0;
  /** The start of the line being read (a header's type and number fit in 32 bytes). */
  private line = '';
  private lineCr = false;
  /** Blob bytes (payload + CRLF) still to skip. */
  private skip = 0;
  /** Elements still expected by each open aggregate, innermost last. */
  private readonly open: number[] = [];
  private failed: string | null = null;

  constructor(readonly maxBytes = MAX_REPLY_BYTES) {}

  /** Feed one chunk; null while every reply is within the cap, else why not (and from then on always). */
  write(chunk: Uint8Array): string | null {
    if (this.failed !== null) return this.failed;
    for (let i = 0; i < chunk.length; ) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        if (!this.count(n)) return this.failed;
        if (this.skip === 0) this.valueDone();
        continue;
      }
      const byte = chunk[i++]!;
      if (!this.count(1)) return this.failed;
      if (byte === 0x0a && this.lineCr) {
        const header = this.line;
        this.line = '';
        this.lineCr = false;
        if (!this.header(header)) return this.failed;
      } else {
        if (this.lineCr && this.line.length < 32) this.line += '\r';
        this.lineCr = byte === 0x0d;
        if (!this.lineCr && this.line.length < 32) this.line += String.fromCharCode(byte);
      }
    }
    return null;
  }

  private fail(why: string): false {
    this.failed = `reply over ${this.maxBytes} bytes (${why}): refused`;
    return false;
  }

  private count(n: number): boolean {
    this.bytes += n;
    return this.bytes <= this.maxBytes || this.fail(`${this.bytes} bytes read`);
  }

  private header(h: string): boolean {
    const type = h[0];
    const n = Number(h.slice(1));
    const room = this.maxBytes - this.bytes;
    switch (type) {
      case '$': // bulk string
      case '=': // verbatim string
      case '!': // blob error
        if (!Number.isSafeInteger(n) || n < -1) return this.fail(`bad length ${JSON.stringify(h.slice(0, 24))}`);
        if (n === -1) return this.valueDone();
        if (n + 2 > room) return this.fail(`a ${n}-byte string`);
        this.skip = n + 2;
        if (this.skip === 0) this.valueDone();
        return true;
      case '*': // array
      case '~': // set
      case '>': // push
      case '%': // map
      case '|': {
        // attribute
        if (!Number.isSafeInteger(n) || n < -1) return this.fail(`bad count ${JSON.stringify(h.slice(0, 24))}`);
        const items = type === '%' || type === '|' ? 2 * n : n;
        if (items <= 0) return this.valueDone();
        // every element takes at least 3 bytes (":1\r\n" less one: "_\r\n")
        if (3 * items > room) return this.fail(`an aggregate of ${items} elements`);
        this.open.push(items);
        return true;
      }
      default: // + - : , # _ ( and anything else: a one-line value
        return this.valueDone();
    }
  }

  private valueDone(): true {
    while (this.open.length > 0) {
      const last = this.open.length - 1;
      this.open[last]!--;
      if (this.open[last]! > 0) return true;
      this.open.pop();
    }
    this.bytes = 0; // a whole top-level reply: the next one starts afresh
    return true;
  }
}
