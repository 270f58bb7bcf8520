import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJiraDirectory } from '#shared/adapters/jira/jira-directory-client.ts';
import { type JiraStub, startJiraStub } from '#test/support/jira-stub.ts';

const LEAD = '5b10ac8d82e05b22cc7d4ef5';
const NEWCOMER = '712020:1f4d6c1e-8e0a-4f6a-9d0e-3a9b2c7d5e11';

describe('createJiraDirectory against a Jira stub', () => {
  let stub: JiraStub;
  beforeAll(async () => {
    stub = await startJiraStub();
    stub.setGroups(LEAD, [
      { name: 'db-owners', groupId: '276f955c-63d7-42c8-9520-92d01dca0625' },
      { name: 'jira-software-users' },
    ]);
    stub.setGroups(NEWCOMER, []);
  });
  afterAll(async () => stub?.close());

  const directory = (options: { apiToken?: string; timeoutMs?: number } = {}) =>
    createJiraDirectory({
      baseUrl: stub.baseUrl,
      email: stub.email,
      apiToken: options.apiToken ?? stub.apiToken,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });

  it("reads an account's groups, by name and groupId, from GET /rest/api/3/user/groups with Basic email:token", async () => {
    const lookup = await directory().groupsOf(LEAD);

    expect(lookup).toEqual({
      ok: true,
      groups: [
        { name: 'db-owners', groupId: '276f955c-63d7-42c8-9520-92d01dca0625' },
        { name: 'jira-software-users' },
      ],
    });
    expect(stub.lookups.at(-1)).toBe(LEAD);
  });

  it('tells an account in no group (ok, none) from one it could not read (not ok)', async () => {
    expect(await directory().groupsOf(NEWCOMER)).toEqual({ ok: true, groups: [] });
    expect(await directory().groupsOf('5b10ac8d82e05b22ccffffff')).toMatchObject({
      ok: false,
      status: 404,
      error: expect.stringContaining('does not exist'),
    });
  });

  it("turns Jira's refusals and outages into failed lookups naming Jira's message, never the token", async () => {
    stub.failNextLookups(1, 503);
    const unavailable = await directory().groupsOf(LEAD);
    const wrongToken = await directory({ apiToken: 'not-the-token' }).groupsOf(LEAD);

    expect(unavailable).toEqual({
      ok: false,
      status: 503,
      error: `Jira's groups of ${LEAD} could not be read: HTTP 503: Service unavailable`,
    });
    expect(wrongToken).toMatchObject({
      ok: false,
      status: 401,
      error: expect.stringContaining('You are not authenticated.'),
    });
    expect(JSON.stringify([unavailable, wrongToken])).not.toContain(stub.apiToken);
    expect(JSON.stringify(wrongToken)).not.toContain('not-the-token');
  });

  it('gives up after its one attempt times out, as a failed lookup', async () => {
    stub.failNextLookups(1, 'hang');
    const before = stub.lookups.length;

    const lookup = await directory({ timeoutMs: 200 }).groupsOf(LEAD);

    expect(lookup).toMatchObject({ ok: false, error: expect.stringContaining('timed out after 200 ms') });
    expect(stub.lookups.length - before).toBe(1);
  });

  it('never sends an id that is not a Jira account id', async () => {
    const before = stub.lookups.length;

    const lookup = await directory().groupsOf('../../rest/api/3/myself?x=');

    expect(lookup).toMatchObject({
      ok: false,
      error: expect.stringContaining('is not a Jira Cloud account id'),
    });
    expect(stub.lookups.length).toBe(before);
  });

  it('refuses an answer that is not a list of groups (never reads it as "no groups")', async () => {
    const lookup = await createJiraDirectory({
      baseUrl: 'https://acme.atlassian.net',
      apiToken: 'secret-token-value',
      fetch: async () => new Response(JSON.stringify({ groups: [] }), { status: 200 }),
    }).groupsOf(LEAD);

    expect(lookup).toMatchObject({ ok: false, error: expect.stringContaining('not a list of groups') });
  });
});
