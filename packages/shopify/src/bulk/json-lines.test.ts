import { describe, expect, it } from 'vitest';
import { readJsonLines } from './json-lines.ts';

function streamOf(...chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
}

async function all(stream: ReadableStream<Uint8Array>, options?: Parameters<typeof readJsonLines>[1]) {
  const out: { value: unknown; position: { byteOffset: number; line: number } }[] = [];
  for await (const line of readJsonLines(stream, options)) out.push(line);
  return out;
}

describe('readJsonLines', () => {
  it('splits lines across chunk boundaries and counts bytes and lines', async () => {
    const lines = await all(streamOf('{"id":1}\n{"id"', ':2,"t":"x"}\n', '\n{"id":3}'));
    expect(lines.map((l) => l.value)).toEqual([{ id: 1 }, { id: 2, t: 'x' }, { id: 3 }]);
    expect(lines.map((l) => l.position)).toEqual([
      { byteOffset: 9, line: 1 },
      { byteOffset: 26, line: 2 },
      { byteOffset: 35, line: 3 }, // the empty line counts its byte, not a line
    ]);
  });

  it('decodes a multi-byte character split between chunks and accepts CRLF', async () => {
    const bytes = new TextEncoder().encode('{"t":"Über"}\r\n');
    const lines = await all(streamOf(bytes.subarray(0, 8), bytes.subarray(8)));
    expect(lines[0]!.value).toEqual({ t: 'Über' });
    expect(lines[0]!.position.byteOffset).toBe(bytes.length);
  });

  it('continues numbering from a start position (a resumed download)', async () => {
    const lines = await all(streamOf('{"id":5}\n'), { start: { byteOffset: 100, line: 4 } });
    expect(lines[0]!.position).toEqual({ byteOffset: 109, line: 5 });
  });

  it('names the line of invalid JSON and refuses an over-long line', async () => {
    await expect(all(streamOf('{"id":1}\n{oops}\n'))).rejects.toThrow(/JSONL line 2 \(at byte 9\) is not valid JSON/);
    await expect(all(streamOf('x'.repeat(64), 'y'.repeat(64)), { maxLineBytes: 100 })).rejects.toThrow(RangeError);
  });
});
