import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TokenProvider } from '../../../src/auth/token-provider.ts';
import { fetchServiceMessages } from '../../../src/graph/fetch-messages.ts';
import type { GraphClientOptions } from '../../../src/graph/graph-client.ts';

const GRAPH = 'https://graph.example.test';
const FIRST = `${GRAPH}/v1.0/admin/serviceAnnouncement/messages`;

function fakeGraph(replies: Array<{ status?: number; body: unknown }>): {
  options: GraphClientOptions;
  urls: string[];
} {
  const urls: string[] = [];
  const tokens: TokenProvider = {
    expiresAt: undefined,
    getToken: async () => ({ value: 't', expiresAt: Date.now() + 3_600_000 }),
    invalidate: () => {},
  };
  const options: GraphClientOptions = {
    graphUrl: GRAPH,
    tokens,
    clock: () => 0,
    sleep: async () => {},
    get: async (url) => {
      urls.push(url);
      const reply = replies.shift();
      if (!reply) throw new Error('no more replies');
      return new Response(JSON.stringify(reply.body), {
        status: reply.status ?? 200,
        headers: { 'content-type': 'application/json' },
      });
    },
  };
  return { options, urls };
}

const request = { deadline: Number.MAX_SAFE_INTEGER, signal: new AbortController().signal };

describe('fetchServiceMessages', () => {
  test('follows nextLink to the end and decodes defensively (PascalCase, nulls, missing fields)', async () => {
    const { options, urls } = fakeGraph([
      {
        body: {
          value: [
            {
              id: 'MC1',
              title: 'One',
              category: 'PlanForChange',
              severity: 'High',
              services: ['Exchange Online', null],
              tags: ['Retirement'],
              isMajorChange: true,
              actionRequiredByDateTime: '2026-12-31T00:00:00Z',
              startDateTime: '2026-11-01T00:00:00Z',
              endDateTime: null,
              lastModifiedDateTime: '2026-11-02T00:00:00Z',
              body: { contentType: 'Html', content: '<p>Hi</p>' },
            },
          ],
          '@odata.nextLink': `${FIRST}?$skip=1`,
        },
      },
      { body: { value: [{ id: 'MC2' }] } },
    ]);
    const messages = await fetchServiceMessages(options, request);
    assert.deepEqual(urls, [FIRST, `${FIRST}?$skip=1`]);
    assert.deepEqual(messages, [
      {
        id: 'MC1',
        title: 'One',
        category: 'PlanForChange',
        severity: 'High',
        services: ['Exchange Online'],
        tags: ['Retirement'],
        isMajorChange: true,
        actionRequiredByDateTime: '2026-12-31T00:00:00Z',
        startDateTime: '2026-11-01T00:00:00Z',
        endDateTime: undefined,
        lastModifiedDateTime: '2026-11-02T00:00:00Z',
        body: '<p>Hi</p>',
      },
      {
        id: 'MC2',
        title: '',
        category: '',
        severity: '',
        services: [],
        tags: [],
        isMajorChange: false,
        actionRequiredByDateTime: undefined,
        startDateTime: undefined,
        endDateTime: undefined,
        lastModifiedDateTime: undefined,
        body: '',
      },
    ]);
  });

  test('a 403 names ServiceMessage.Read.All; a nextLink to another host is refused', async () => {
    const forbidden = fakeGraph([
      { status: 403, body: { error: { code: 'Forbidden', message: 'Missing role permissions' } } },
    ]);
    await assert.rejects(fetchServiceMessages(forbidden.options, request), {
      code: 'GRAPH_FORBIDDEN',
      status: 403,
      message: /ServiceMessage\.Read\.All/,
    });
    const foreign = fakeGraph([{ body: { value: [], '@odata.nextLink': 'https://evil.example/v1.0/messages' } }]);
    await assert.rejects(fetchServiceMessages(foreign.options, request), { code: 'GRAPH_FOREIGN_LINK' });
  });

  test('a message without id, or one listed twice (on any page), fails the read with what and where', async () => {
    const refused = (message: string) => ({ code: 'GRAPH_BAD_RESPONSE', message: `${message}: the answer is refused` });
    const malformed = fakeGraph([{ body: { value: [{ id: 'MC1' }, { title: 'no id' }, ['MC3'], { id: 'MC4' }] } }]);
    await assert.rejects(
      fetchServiceMessages(malformed.options, request),
      refused('2 entries of the answer are not a message (first: value[1] has no "id")'),
    );
    const twice = fakeGraph([
      { body: { value: [{ id: 'MC1' }], '@odata.nextLink': `${FIRST}?$skip=1` } },
      { body: { value: [{ id: 'MC1' }] } },
    ]);
    await assert.rejects(
      fetchServiceMessages(twice.options, request),
      refused('message id "MC1" appears twice in one answer'),
    );
  });

  test('bounds: messages per read (every page), names per message, the length of a body and of a title', async () => {
    const tooLarge = (message: string) => ({
      code: 'GRAPH_ANSWER_TOO_LARGE',
      message: `${message}: the answer is refused`,
    });
    const messages = (count: number, prefix: string) =>
      Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}` }));
    const atBound = fakeGraph([
      { body: { value: messages(6_000, 'A'), '@odata.nextLink': `${FIRST}?$skip=1` } },
      { body: { value: messages(4_000, 'B') } },
    ]);
    assert.equal((await fetchServiceMessages(atBound.options, request)).length, 10_000);
    const past = fakeGraph([
      { body: { value: messages(6_000, 'A'), '@odata.nextLink': `${FIRST}?$skip=1` } },
      { body: { value: messages(4_001, 'B') } },
    ]);
    await assert.rejects(
      fetchServiceMessages(past.options, request),
      tooLarge('10,001 messages in one answer (2 pages), past the bound of 10,000'),
    );
    const tags = fakeGraph([
      { body: { value: [{ id: 'MC1', tags: Array.from({ length: 501 }, () => 'Retirement') }] } },
    ]);
    await assert.rejects(
      fetchServiceMessages(tags.options, request),
      tooLarge('message "MC1" has 501 tags, past the bound of 500'),
    );
    const service = fakeGraph([{ body: { value: [{ id: 'MC1', services: ['Exchange Online', 'x'.repeat(257)] }] } }]);
    await assert.rejects(
      fetchServiceMessages(service.options, request),
      tooLarge('one of the services of message "MC1" is 257 characters long, past the bound of 256'),
    );
    const body = fakeGraph([{ body: { value: [{ id: 'MC1', body: { content: 'x'.repeat(100_001) } }] } }]);
    await assert.rejects(
      fetchServiceMessages(body.options, request),
      tooLarge('the body of message "MC1" is 100,001 characters long, past the bound of 100,000'),
    );
    const title = fakeGraph([
      {
        body: {
          value: [
            { id: 'MC1', title: 'x'.repeat(1_024) },
            { id: 'MC2', title: 'x'.repeat(1_025) },
          ],
        },
      },
    ]);
    await assert.rejects(
      fetchServiceMessages(title.options, request),
      tooLarge('the title of message "MC2" is 1,025 characters long, past the bound of 1,024'),
    );
  });
});
