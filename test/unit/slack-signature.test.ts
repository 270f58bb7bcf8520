import { describe, expect, it } from 'vitest';
import { HttpError } from '#shared/http/http-error.ts';
import { verifySlackSignature } from '#shared/ingress/slack/slack-signature.ts';
import { sampleEventText, slackSignatureHeaders } from '#test/support/signed-sources.ts';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const SIGNED_AT = 1_795_917_600;
const body = sampleEventText('slack', 'slash-command-add.form');
const at = (seconds: number) => new Date(seconds * 1000);

const signed = (overrides: { body?: string; secret?: string; timestamp?: number } = {}) => {
  const headers = slackSignatureHeaders(overrides.secret ?? SECRET, body, overrides.timestamp ?? SIGNED_AT);
  return {
    rawBody: Buffer.from(overrides.body ?? body),
    timestamp: headers['x-slack-request-timestamp'],
    signature: headers['x-slack-signature'],
  };
};

const refusal = (act: () => void): HttpError => {
  try {
    act();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('verifySlackSignature', () => {
  it('accepts v0=HMAC-SHA256 of "v0:{timestamp}:{raw body}" signed with the signing secret', () => {
    expect(() => verifySlackSignature(signed(), SECRET, at(SIGNED_AT + 2), 300)).not.toThrow();
  });

  it('accepts the same signed request again inside the window (the idempotency key makes it harmless)', () => {
    expect(() => verifySlackSignature(signed(), SECRET, at(SIGNED_AT + 299), 300)).not.toThrow();
  });

  it.each([
    ['a wrong signature', () => ({ ...signed(), signature: `v0=${'0'.repeat(64)}` })],
    ['a signature made with another secret', () => signed({ secret: 'another-signing-secret-000000000' })],
    [
      'a body changed after signing',
      () => ({ ...signed(), rawBody: Buffer.from(body.replace('storage%3D100', 'storage%3D900')) }),
    ],
    ['a stale timestamp (signed 301 s ago)', () => signed({ timestamp: SIGNED_AT - 301 })],
    ['a timestamp 301 s in the future', () => signed({ timestamp: SIGNED_AT + 301 })],
    ['a missing signature', () => ({ ...signed(), signature: undefined })],
    ['a missing timestamp', () => ({ ...signed(), timestamp: undefined })],
    ['a timestamp that is not a number', () => ({ ...signed(), timestamp: '17959176OO' })],
    [
      'a signature of another version',
      () => ({ ...signed(), signature: signed().signature?.replace('v0=', 'v1=') }),
    ],
  ])('refuses %s with the same 401', (_case, request) => {
    const error = refusal(() => verifySlackSignature(request(), SECRET, at(SIGNED_AT), 300));

    expect(error.statusCode).toBe(401);
    expect(error.message).toBe('Missing or invalid credentials');
  });

  it('refuses the exact same signed request re-sent after the window has passed (a replay)', () => {
    const captured = signed();
    expect(() => verifySlackSignature(captured, SECRET, at(SIGNED_AT + 10), 300)).not.toThrow();

    expect(refusal(() => verifySlackSignature(captured, SECRET, at(SIGNED_AT + 301), 300)).statusCode).toBe(
      401,
    );
  });
});
