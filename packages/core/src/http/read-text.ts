/** What `readText` reports when a body passes the limit. */
export type TooLarge = (declaredBytes: number | undefined) => Error;

/**
 * A response body as text, never more than `limit` bytes of it held: `Content-Length` is checked
 * first (nothing is read when it is over), and an undeclared body is read chunk by chunk and
 * cancelled as soon as it passes the limit, so a 600 MB answer costs at most `limit` of memory.
 * Hand-written: `Response.text()` has no bound, and the few lines here are the whole of it.
 */
export async function readText(response: Response, limit: number, tooLarge: TooLarge): Promise<string> {
  const declared = response.headers.get('content-length');
  if (declared !== null) {
    const size = Number(declared);
    if (Number.isFinite(size) && size > limit) {
      await response.body?.cancel().catch(() => {});
      throw tooLarge(size);
    }
    // Declared and within the limit: fetch itself refuses a body longer than its Content-Length.
    if (Number.isFinite(size)) return response.text();
  }
  const body = response.body;
  if (!body) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let received = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(undefined);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
