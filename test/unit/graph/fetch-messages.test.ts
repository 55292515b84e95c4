import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TokenProvider } from '../../../src/auth/token-provider.ts';
import { fetchServiceMessages } from '../../../src/graph/fetch-messages.ts';
import type { GraphClientOptions } from '../../../src/graph/graph-client.ts';

const GRAPH = 'https://graph.example.test';
const FIRST = `${GRAPH}/v1.0/admin/serviceAnnouncement/messages`;

function fakeGraph(replies: Array<{ status?: number; body: unknown }>): { options: GraphClientOptions; urls: string[] } {
  const urls: string[] = [];
  const tokens: TokenProvider = { expiresAt: undefined, getToken: async () => ({ value: 't', expiresAt: Date.now() + 3_600_000 }), invalidate: () => {} };
  const options: GraphClientOptions = {
    graphUrl: GRAPH,
    tokens,
    clock: () => 0,
    sleep: async () => {},
    get: async (url) => {
      urls.push(url);
      const reply = replies.shift();
      if (!reply) throw new Error('no more replies');
      return new Response(JSON.stringify(reply.body), { status: reply.status ?? 200, headers: { 'content-type': 'application/json' } });
    },
  };
  return { options, urls };
}

const request = { deadline: Number.MAX_SAFE_INTEGER, signal: new AbortController().signal };

describe('fetchServiceMessages', () => {
  test('follows nextLink to the end and decodes defensively (PascalCase, nulls, missing fields, entries without id)', async () => {
    const { options, urls } = fakeGraph([
      { body: { value: [{ id: 'MC1', title: 'One', category: 'PlanForChange', severity: 'High', services: ['Exchange Online', null], tags: ['Retirement'], isMajorChange: true, actionRequiredByDateTime: '2026-12-31T00:00:00Z', startDateTime: '2026-11-01T00:00:00Z', endDateTime: null, lastModifiedDateTime: '2026-11-02T00:00:00Z', body: { contentType: 'Html', content: '<p>Hi</p>' } }], '@odata.nextLink': `${FIRST}?$skip=1` } },
      { body: { value: [{ id: 'MC2' }, { title: 'no id' }] } },
    ]);
    const messages = await fetchServiceMessages(options, request);
    assert.deepEqual(urls, [FIRST, `${FIRST}?$skip=1`]);
    assert.deepEqual(messages, [
      {
        id: 'MC1', title: 'One', category: 'PlanForChange', severity: 'High', services: ['Exchange Online'], tags: ['Retirement'],
        isMajorChange: true, actionRequiredByDateTime: '2026-12-31T00:00:00Z', startDateTime: '2026-11-01T00:00:00Z',
        endDateTime: undefined, lastModifiedDateTime: '2026-11-02T00:00:00Z', body: '<p>Hi</p>',
      },
      {
        id: 'MC2', title: '', category: '', severity: '', services: [], tags: [], isMajorChange: false, actionRequiredByDateTime: undefined,
        startDateTime: undefined, endDateTime: undefined, lastModifiedDateTime: undefined, body: '',
      },
    ]);
  });

  test('a 403 names ServiceMessage.Read.All; a nextLink to another host is refused', async () => {
    const forbidden = fakeGraph([{ status: 403, body: { error: { code: 'Forbidden', message: 'Missing role permissions' } } }]);
    await assert.rejects(fetchServiceMessages(forbidden.options, request), { code: 'GRAPH_FORBIDDEN', status: 403, message: /ServiceMessage\.Read\.All/ });
    const foreign = fakeGraph([{ body: { value: [], '@odata.nextLink': 'https://evil.example/v1.0/messages' } }]);
    await assert.rejects(fetchServiceMessages(foreign.options, request), { code: 'GRAPH_FOREIGN_LINK' });
  });
});
