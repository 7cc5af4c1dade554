import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { fail, type VerificationFailure } from '../verify/verify-result.ts';
import type { WebhookSecret } from './webhook-scheme.ts';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type SignatureEncoding = 'hex' | 'base64' | 'base64url';

const DIGEST_BYTES: Record<HmacAlgorithm, number> = { sha1: 20, sha256: 32, sha512: 64 };
const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/**
 * The longest signature header a scheme reads, in characters. Providers send one signature per
 * active secret (two or three during a rotation): a Standard Webhooks header with 10 Ed25519
 * signatures is under 1,000 characters. A longer header is refused as malformed before any crypto.
 */
export const MAX_SIGNATURE_HEADER_LENGTH = 4096;

/**
 * The most signatures a scheme examines in one header (Stripe `v1=`, Standard Webhooks `v1`/`v1a`,
 * an `hmacScheme` with a separator). Later ones are ignored, so a header of well-formed garbage
 * costs at most this many HMAC comparisons or Ed25519 verifications per configured key.
 */
export const MAX_SIGNATURES = 10;

/**
 * Decodes a signature from the header into its bytes, or undefined when it is not exactly one
 * digest in that encoding. Node's decoders silently skip bad characters, so the text is checked first.
 */
export function decodeSignature(text: string, encoding: SignatureEncoding, algorithm: HmacAlgorithm): Buffer | undefined {
  return decodeBytes(text, encoding, DIGEST_BYTES[algorithm]);
}

/**
 * Decodes text that must be exactly `length` bytes in that encoding (a signature, a key), or
 * undefined. Only one spelling of the bytes is accepted: exactly `2 * length` hex digits (either
 * case); base64 with its `=` padding and zero unused bits (what every encoder writes); base64url the
 * same, with or without the padding. A verifier that accepted `sig + 'f'` or other trailing bits
 * would accept many texts for one signature, which is not what "64 hex digits" promises.
 */
export function decodeBytes(text: string, encoding: SignatureEncoding, length: number): Buffer | undefined {
  if (encoding === 'hex') {
    if (text.length !== length * 2 || !HEX.test(text)) return undefined;
    return Buffer.from(text, 'hex');
  }
  const padded = Math.ceil(length / 3) * 4;
  if (text.length > padded || !(encoding === 'base64' ? BASE64 : BASE64URL).test(text)) return undefined;
  const bytes = Buffer.from(text, encoding);
  if (bytes.length !== length) return undefined;
  // Re-encoding gives the canonical spelling: padding where due and the unused bits zero.
  const canonical = bytes.toString(encoding);
  if (text === canonical) return bytes;
  if (encoding === 'base64url' && text === canonical + '='.repeat(padded - canonical.length)) return bytes;
  return undefined;
}

/** A refusal for a signature header longer than `MAX_SIGNATURE_HEADER_LENGTH`, or undefined. */
export function headerTooLong(name: string, header: string): VerificationFailure | undefined {
  if (header.length <= MAX_SIGNATURE_HEADER_LENGTH) return undefined;
  return fail('malformed-signature', `${name} is ${header.length} characters long; at most ${MAX_SIGNATURE_HEADER_LENGTH} are read (a few signatures, one per active secret).`);
}

export function hmac(algorithm: HmacAlgorithm, key: WebhookSecret, parts: readonly (string | Buffer)[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * Index of the first secret whose HMAC over `parts` equals one of `candidates`, or -1.
 * Every comparison is constant-time over equal-length buffers (candidates are already one digest long).
 */
export function matchSecret(
  algorithm: HmacAlgorithm,
  keys: readonly WebhookSecret[],
  parts: readonly (string | Buffer)[],
  candidates: readonly Buffer[],
): number {
  for (let i = 0; i < keys.length; i++) {
    const expected = hmac(algorithm, keys[i]!, parts);
    for (const candidate of candidates) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) return i;
    }
  }
  return -1;
}

/** Checks a signed timestamp against the tolerance window, in both directions. */
export function checkTimestamp(timestampMs: number, nowMs: number, toleranceSec: number): VerificationFailure | undefined {
  const toleranceMs = toleranceSec * 1000;
  if (timestampMs < nowMs - toleranceMs) {
    return fail('timestamp-too-old', `The signed timestamp is ${Math.round((nowMs - timestampMs) / 1000)} s old; the tolerance is ${toleranceSec} s.`);
  }
  if (timestampMs > nowMs + toleranceMs) {
    return fail('timestamp-in-future', `The signed timestamp is ${Math.round((timestampMs - nowMs) / 1000)} s in the future; the tolerance is ${toleranceSec} s.`);
  }
  return undefined;
}

const DIGITS = /^\d{1,16}$/;

/** Parses a whole number of seconds or milliseconds into epoch ms, or undefined when malformed. */
export function parseEpoch(text: string, unit: 's' | 'ms'): number | undefined {
  const trimmed = text.trim();
  if (!DIGITS.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return unit === 's' ? value * 1000 : value;
}

/** A stable id for providers that send none: the SHA-256 of the body (a redelivery has the same bytes). */
export function contentHashId(body: Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

/** Parses the body as JSON, or undefined when it is not JSON. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(record: Record<string, unknown>, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
