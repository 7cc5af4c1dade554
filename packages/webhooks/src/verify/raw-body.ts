/** The raw request body exactly as received. A parsed object is not accepted: re-serialised JSON changes the bytes. */
export type WebhookBody = string | Uint8Array | ArrayBuffer;

/** A Buffer view of the body without copying when it already is binary. */
export function toBodyBuffer(body: WebhookBody): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new TypeError(
    'The webhook body must be the raw bytes as received (string, Buffer, Uint8Array or ArrayBuffer), ' +
      `not ${body === null ? 'null' : typeof body}. Read the body before any JSON parser touches it: ` +
      'a signature is computed over the exact bytes, and JSON.stringify of a parsed body does not give them back.',
  );
}
