import ky, { type KyInstance, type Options } from 'ky';
import type { AttemptInit } from './attempt.ts';
import type { Call } from './prepare-call.ts';

// The transport: ky in front of fetch, with ky's own retries, timeouts and errors switched off (the
// client's are used), and each attempt's signal and headers handed to fetch past ky's option merging.

/** The ky instance a client sends every attempt through, over `fetch` (the global one by default). */
export function createTransport(fetch: typeof globalThis.fetch | undefined): KyInstance {
  // ky is the transport: retries, timeouts and errors are ours, so ky's own are switched off.
  const transport = fetch ?? globalThis.fetch;
  return ky.create({
    retry: 0,
    timeout: false,
    throwHttpErrors: false,
    // The attempt's signal travels as an extra option, which ky forwards to fetch untouched. Handed
    // to ky as `signal`, it would be merged with ky's own through AbortSignal.any on every call: the
    // largest per-request cost ky adds, and one that keeps each signal alive long after the call.
    // The attempt's headers travel the same way, past ky's option merging (which copied them twice
    // per call) straight into fetch's own Request (see `sendThrough`).
    fetch: (input, init) => sendThrough(transport, input as Request, init as AttemptInit),
  });
}

/** ky's options for one attempt of `call`, with its headers and signal (see `createTransport`). */
export function attemptInit(call: Call, headers: Headers, signal: AbortSignal): Options & AttemptInit {
  // Only the options that differ from ky's defaults: ky deep-merges every key of every call's
  // options, so a GET without a body skips two merges (~6 % of ky's cost per call, measured).
  const init: Options & AttemptInit = { attemptHeaders: headers, attemptSignal: signal };
  if (call.method !== 'GET') init.method = call.method;
  if (call.body !== undefined) {
    init.body = call.body;
    // fetch sends a stream body only half-duplex, and must be told so.
    if (call.oneShot) (init as { duplex?: 'half' }).duplex = 'half';
  }
  return init;
}

/**
 * Sends ky's request through the transport with the attempt's signal and headers. ky builds its
 * `Request` without the attempt's headers; fetch's own copy of it gets them here. A body fetch typed
 * itself (a multipart boundary for FormData, form encoding for URLSearchParams) keeps that type
 * unless the caller set one.
 */
export function sendThrough(transport: typeof fetch, request: Request, init: AttemptInit): Promise<Response> {
  const headers = init.attemptHeaders;
  if (!headers) return transport(request, { signal: init.attemptSignal ?? null });
  if (request.body !== null && !headers.has('content-type')) {
    const typed = request.headers.get('content-type');
    if (typed !== null) headers.set('content-type', typed);
  }
  return transport(request, { signal: init.attemptSignal ?? null, headers });
}
