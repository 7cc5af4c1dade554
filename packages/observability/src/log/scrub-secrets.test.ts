import { describe, expect, it } from 'vitest';
import { scrubSecrets } from './scrub-secrets.ts';

// Built at run time so secret scanners do not flag the fixtures as leaked credentials.
const alnum = (n: number) => 'aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0zC'.repeat(10).slice(0, n);
const github = `ghp_${alnum(36)}`;
const stripe = `sk_${'live'}_${alnum(24)}`;
const jwt = `eyJ${alnum(16)}.eyJ${alnum(20)}.${alnum(22)}`;
const slack = `xoxb-${alnum(12)}-${alnum(12)}`;
const aws = `AKIA${'ABCDEFGHIJKLMNOP'}`;

describe('scrubSecrets', () => {
  it.each([
    ['GitHub token', `rejected token ${github} for repo`, github],
    ['Stripe key', `No such key: ${stripe}`, stripe],
    ['JWT', `expired: ${jwt}`, jwt],
    ['Slack token', `invalid_auth ${slack}`, slack],
    ['AWS key id', `The AWS Access Key Id ${aws} does not exist`, aws],
    ['Bearer value', `sent Authorization: Bearer ${alnum(30)}`, alnum(30)],
    ['query api_key', `GET https://api.example.com/v1/x?page=2&api_key=${alnum(20)}`, alnum(20)],
    ['JSON secret field', `body {"client_secret": "${alnum(25)}", "ok": true}`, alnum(25)],
    ['URL user info', `https://admin:${alnum(14)}@db.example.com/x`, alnum(14)],
  ])('removes a %s', (_name, text, secret) => {
    const out = scrubSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED]');
  });

  it('keeps the readable parts of the text', () => {
    expect(scrubSecrets(`GET /x?page=2&api_key=${alnum(20)}`)).toBe('GET /x?page=2&api_key=[REDACTED]');
    expect(scrubSecrets(`Authorization: Bearer ${alnum(30)}`)).toBe('Authorization: Bearer [REDACTED]');
  });

  it('removes given secrets verbatim, whatever their shape', () => {
    expect(scrubSecrets('the key hunter2-plain was refused', ['hunter2-plain'])).toBe('the key [REDACTED] was refused');
  });

  it('leaves ordinary text alone', () => {
    const text = 'gave up after 3 attempts (retry.maxAttempts); status 503 from /repos/{owner}/{repo}';
    expect(scrubSecrets(text)).toBe(text);
  });
});
