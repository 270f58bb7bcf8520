import { describe, expect, it } from 'vitest';
import { HttpError } from '#shared/http/http-error.ts';
import { verifyJiraSignature } from '#shared/ingress/jira/jira-signature.ts';
import { jiraSignatureHeader, sampleEventText } from '#test/support/signed-sources.ts';

const SECRET = 'jira-webhook-secret-0123456789';
const body = sampleEventText('jira', 'issue-created.json');
const valid = jiraSignatureHeader(SECRET, body)['x-hub-signature'];

const statusOf = (act: () => void): number | undefined => {
  try {
    act();
    return undefined;
  } catch (error) {
    if (error instanceof HttpError) return error.statusCode;
    throw error;
  }
};

describe('verifyJiraSignature', () => {
  it('accepts sha256=<hex HMAC-SHA256 of the raw body>, in either hex case', () => {
    expect(statusOf(() => verifyJiraSignature(Buffer.from(body), valid, SECRET))).toBeUndefined();
    const upperCase = `sha256=${valid?.slice('sha256='.length).toUpperCase()}`;
    expect(statusOf(() => verifyJiraSignature(Buffer.from(body), upperCase, SECRET))).toBeUndefined();
  });

  it.each([
    ['a wrong signature', Buffer.from(body), `sha256=${'ab'.repeat(32)}`],
    [
      'another secret',
      Buffer.from(body),
      jiraSignatureHeader('another-secret-0000000', body)['x-hub-signature'],
    ],
    ['a body changed after signing', Buffer.from(body.replace('OPS-1042', 'OPS-1043')), valid],
    ['a missing signature', Buffer.from(body), undefined],
    ['the sha1 form', Buffer.from(body), `sha1=${'ab'.repeat(20)}`],
    ['a truncated signature', Buffer.from(body), valid?.slice(0, -2)],
  ])('refuses %s with 401', (_case, rawBody, header) => {
    expect(statusOf(() => verifyJiraSignature(rawBody, header, SECRET))).toBe(401);
  });
});
