/** What `readText` reports when a body passes the limit. */
export type TooLarge = (declaredBytes: number | undefined) => Error;

/**
 * A response body as text, never more than `limit` bytes of it held: `Content-Length` is checked
 * first (nothing is read when it is over), and an undeclared body is read chunk by chunk and
 * cancelled as soon as it passes the limit, so a 600 MB answer costs at most `limit` of memory.
 * Hand-written: `Response.text()` has no bound, and the few lines here are the whole of it.
 */
export function readText(response: Response, limit: number, tooLarge: TooLarge): Promise<string> {
  const declared = response.headers.get('content-length');
  if (declared !== null) {
    const size = Number(declared);
    if (Number.isFinite(size) && size > limit) {
      return (response.body?.cancel().catch(() => {}) ?? Promise.resolve()).then(() => Promise.reject(tooLarge(size)));
    }
    // Declared and within the limit: fetch itself refuses a body longer than its Content-Length.
    // Its promise is handed on as it is (not awaited here): one promise less on every call.
    if (Number.isFinite(size)) return response.text();
  }
  return readChunks(response, limit, tooLarge);
}

/** An undeclared length: read chunk by chunk, stopping at the limit. */
async function readChunks(response: Response, limit: number, tooLarge: TooLarge): Promise<string> {
  const body = response.body;
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(undefined);
    }
    chunks.push(value);
  }
  // Decoded once at the end: one TextDecoder pass is cheaper than one per chunk.
  if (chunks.length === 1) return decoder.decode(chunks[0]);
  const all = new Uint8Array(received);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return decoder.decode(all);
}

const decoder = new TextDecoder();
