/** Where a JSONL read stopped: resume with `Range: bytes=<byteOffset>-` and keep counting lines from `line`. */
export interface JsonLinesPosition {
  /** Bytes consumed through the end of the last line returned. */
  byteOffset: number;
  /** Lines returned so far (1-based number of the last one). */
  line: number;
}

export interface JsonLine<T = unknown> {
  value: T;
  /** Position after this line: store it to resume after it. */
  position: JsonLinesPosition;
}

export interface JsonLinesOptions {
  /** Count lines and bytes from here (the stream starts at this offset of the file). */
  start?: JsonLinesPosition;
  /** Longest accepted line. Default 16 MiB: a longer one is a broken file, not a record to buffer. */
  maxLineBytes?: number;
}

const NEWLINE = 0x0a;

/**
 * Parses a stream of JSON Lines one line at a time. Memory stays bounded by one chunk plus the
 * longest line, whatever the file's size (a 1 GB bulk result is never held whole). Hand-written
 * rather than node:readline: it works on web streams and counts bytes, which a resume needs.
 * @throws SyntaxError naming the line number when a line is not JSON; RangeError for an over-long line.
 */
export async function* readJsonLines<T = unknown>(stream: ReadableStream<Uint8Array>, options: JsonLinesOptions = {}): AsyncGenerator<JsonLine<T>> {
  const maxLineBytes = options.maxLineBytes ?? 16 * 1024 * 1024;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let byteOffset = options.start?.byteOffset ?? 0;
  let line = options.start?.line ?? 0;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const reader = stream.getReader();

  const emit = (bytes: Uint8Array, consumed: number): JsonLine<T> | undefined => {
    byteOffset += consumed;
    let text = decoder.decode(bytes);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() === '') return undefined;
    line++;
    try {
      return { value: JSON.parse(text) as T, position: { byteOffset, line } };
    } catch (error) {
      throw new SyntaxError(`JSONL line ${line} (at byte ${byteOffset - consumed}) is not valid JSON: ${(error as Error).message}`);
    }
  };

  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let from = 0;
      for (let at = value.indexOf(NEWLINE, from); at !== -1; at = value.indexOf(NEWLINE, from)) {
        const piece = value.subarray(from, at);
        let bytes = piece;
        if (pendingBytes > 0) {
          pending.push(piece);
          bytes = concat(pending, pendingBytes + piece.length);
        }
        const out = emit(bytes, bytes.length + 1);
        pending = [];
        pendingBytes = 0;
        from = at + 1;
        if (out) yield out;
      }
      if (from < value.length) {
        // Copy: the reader may reuse the chunk's buffer.
        pending.push(value.slice(from));
        pendingBytes += value.length - from;
        if (pendingBytes > maxLineBytes) throw new RangeError(`JSONL line ${line + 1} is longer than ${maxLineBytes} bytes (maxLineBytes); the file is probably not JSON Lines`);
      }
    }
    if (pendingBytes > 0) {
      const out = emit(concat(pending, pendingBytes), pendingBytes);
      if (out) yield out;
    }
  } finally {
    reader.releaseLock();
    await stream.cancel().catch(() => undefined);
  }
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
