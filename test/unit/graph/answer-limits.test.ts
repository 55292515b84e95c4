import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { M365Error } from '../../../src/errors.ts';
import { ANSWER_LIMITS, AnswerTally } from '../../../src/graph/answer-limits.ts';
import { decodeServicePage } from '../../../src/graph/decode.ts';

const ok = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  service: `${id} Online`,
  status: 'serviceOperational',
  ...extra,
});
const services = (count: number, prefix = 'S') => Array.from({ length: count }, (_, i) => ok(`${prefix}${i}`));
const issue = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  title: 't',
  status: 'serviceDegradation',
  classification: 'incident',
  ...extra,
});
const issues = (count: number, prefix: string, extra: (i: number) => Record<string, unknown> = () => ({})) =>
  Array.from({ length: count }, (_, i) => issue(`${prefix}${i}`, extra(i)));

/** Asserts that decoding `body` throws `code` with exactly `message`. */
function refuses(body: unknown, code: string, message: string, tally?: AnswerTally): void {
  assert.throws(
    () => decodeServicePage(body, tally),
    (error: unknown) => {
      assert.ok(error instanceof M365Error, String(error));
      assert.equal(error.code, code);
      assert.equal(error.message, message);
      return true;
    },
  );
}
const tooLarge = (message: string) => ['GRAPH_ANSWER_TOO_LARGE', `${message}: the answer is refused`] as const;

describe('bounds on what one answer holds: each at its bound decodes, one past it is refused with its message', () => {
  test('services per answer: 500 decode; 501 or a page of 50,000 are refused before any is decoded', () => {
    assert.equal(decodeServicePage({ value: services(500) }).entries.length, 500);
    refuses({ value: services(501) }, ...tooLarge('501 services in one answer (one page), past the bound of 500'));
    // Entries that are not even services count: the bound is checked before one of them is looked at.
    refuses(
      { value: Array.from({ length: 50_000 }, () => ({})) },
      ...tooLarge('50,000 services in one answer (one page), past the bound of 500'),
    );
  });

  test('services per answer count every page of it', () => {
    const tally = new AnswerTally();
    decodeServicePage({ value: services(300, 'A'), '@odata.nextLink': 'https://graph.example.test/next' }, tally);
    refuses(
      { value: services(201, 'B') },
      ...tooLarge('501 services in one answer (2 pages), past the bound of 500'),
      tally,
    );
  });

  test('issues per service, per answer, and posts per issue', () => {
    const limit = ANSWER_LIMITS.issuesPerService;
    assert.equal(
      decodeServicePage({ value: [ok('A', { issues: issues(limit, 'A') })] }).entries[0].issues.length,
      limit,
    );
    refuses(
      { value: [ok('A', { issues: issues(limit + 1, 'A') })] },
      ...tooLarge('service "A" has 1,001 issues, past the bound of 1,000'),
    );
    const full = ['A', 'B', 'C', 'D', 'E'].map((id) => ok(id, { issues: issues(1_000, id) }));
    assert.equal(decodeServicePage({ value: full }).entries.length, 5);
    refuses(
      { value: [...full, ok('F', { issues: issues(1, 'F') })] },
      ...tooLarge('more than 5,000 issues in one answer, past the bound of 5,000'),
    );
    const posts = (count: number) => Array.from({ length: count }, () => ({ description: { content: 'p' } }));
    assert.equal(
      decodeServicePage({ value: [ok('A', { issues: [issue('EX1', { posts: posts(1_000) })] })] }).entries[0].issues[0]
        .posts.length,
      1_000,
    );
    refuses(
      { value: [ok('A', { issues: [issue('EX1', { posts: posts(1_001) })] })] },
      ...tooLarge('issue "EX1" has 1,001 posts, past the bound of 1,000'),
    );
  });

  test('feature groups named by the issues of one service, ignoring case', () => {
    const named = (groups: number) =>
      issues(groups + 50, 'EX', (i) => ({ featureGroup: i < groups ? `Group ${i}` : `GROUP ${i % groups}` }));
    assert.equal(decodeServicePage({ value: [ok('A', { issues: named(100) })] }).entries[0].issues.length, 150);
    refuses(
      { value: [ok('A', { issues: named(101) })] },
      ...tooLarge('the issues of service "A" name 101 feature groups, past the bound of 100'),
    );
  });

  const long = (length: number) => 'x'.repeat(length);
  const { name, title, description, content } = ANSWER_LIMITS;
  const cases: Array<[string, (text: string) => unknown, number, string]> = [
    ['service id', (t) => ({ id: t, status: 'serviceOperational' }), name, 'the id of value[0] is 257 characters long'],
    ['service name', (t) => ok('A', { service: t }), name, 'the name of service "A" is 257 characters long'],
    ['service status', (t) => ({ id: 'A', status: t }), name, 'the status of service "A" is 257 characters long'],
    ['issue id', (t) => ok('A', { issues: [issue(t)] }), name, 'an issue id of service "A" is 257 characters long'],
    [
      'issue title',
      (t) => ok('A', { issues: [issue('EX1', { title: t })] }),
      title,
      'the title of issue "EX1" is 1,025 characters long',
    ],
    [
      'impact',
      (t) => ok('A', { issues: [issue('EX1', { impactDescription: t })] }),
      description,
      'the impactDescription of issue "EX1" is 4,097 characters long',
    ],
    [
      'feature group',
      (t) => ok('A', { issues: [issue('EX1', { featureGroup: t })] }),
      name,
      'the featureGroup of issue "EX1" is 257 characters long',
    ],
    [
      'feature',
      (t) => ok('A', { issues: [issue('EX1', { feature: t })] }),
      name,
      'the feature of issue "EX1" is 257 characters long',
    ],
    [
      'issue status',
      (t) => ok('A', { issues: [issue('EX1', { status: t })] }),
      name,
      'the status of issue "EX1" is 257 characters long',
    ],
    [
      'classification',
      (t) => ok('A', { issues: [issue('EX1', { classification: t })] }),
      name,
      'the classification of issue "EX1" is 257 characters long',
    ],
    [
      'issue service',
      (t) => ok('A', { issues: [issue('EX1', { service: t })] }),
      name,
      'the service of issue "EX1" is 257 characters long',
    ],
    [
      'a date',
      (t) => ok('A', { issues: [issue('EX1', { lastModifiedDateTime: t })] }),
      name,
      'the lastModifiedDateTime of issue "EX1" is 257 characters long',
    ],
    [
      'post content',
      (t) => ok('A', { issues: [issue('EX1', { posts: [{ description: { content: t } }] })] }),
      content,
      'the post content of issue "EX1" is 100,001 characters long',
    ],
  ];
  for (const [field, make, limit, message] of cases) {
    test(`the length of the ${field}: ${limit.toLocaleString('en-US')} characters`, () => {
      assert.equal(decodeServicePage({ value: [make(long(limit))] }).entries.length, 1);
      refuses(
        { value: [make(long(limit + 1))] },
        ...tooLarge(`${message}, past the bound of ${limit.toLocaleString('en-US')}`),
      );
    });
  }

  test('a service name of 5 MB is refused at once', () => {
    refuses(
      { value: [ok('Exchange', { service: long(5_000_000) })] },
      ...tooLarge('the name of service "Exchange" is 5,000,000 characters long, past the bound of 256'),
    );
  });
});

describe('entries that are not services, issues or posts fail the answer, counted, the first named', () => {
  const bad = (message: string) => ['GRAPH_BAD_RESPONSE', `${message}: the answer is refused`] as const;

  test('a nested array, an empty object, a service without status', () => {
    refuses(
      { value: [ok('A'), [ok('B')]] },
      ...bad('an entry of the answer is not a service, an issue or a post (first: value[1] is not an object)'),
    );
    refuses(
      { value: [{}, ok('A')] },
      ...bad('an entry of the answer is not a service, an issue or a post (first: value[0] has no "id")'),
    );
    refuses(
      { value: [{ id: 'A', service: 'A' }] },
      ...bad(
        'an entry of the answer is not a service, an issue or a post (first: value[0] (service "A") has no "status")',
      ),
    );
    refuses(
      { value: [ok('A'), { id: '', status: 'serviceOperational' }, 7, null, { id: 'B', status: 3 }] },
      ...bad('4 entries of the answer are not a service, an issue or a post (first: value[1] has no "id")'),
    );
  });

  test('an issue without id, an issue or a post that is not an object, issues or posts that are not lists', () => {
    const message = (first: string) =>
      bad(`an entry of the answer is not a service, an issue or a post (first: ${first})`);
    refuses(
      { value: [ok('A', { issues: [issue('EX1'), { title: 'no id' }] })] },
      ...message('issues[1] of service "A" has no "id"'),
    );
    refuses(
      { value: [ok('A', { issues: [[issue('EX1')]] })] },
      ...message('issues[0] of service "A" is not an object'),
    );
    refuses({ value: [ok('A', { issues: { id: 'EX1' } })] }, ...message('the "issues" of service "A" is not an array'));
    refuses(
      { value: [ok('A', { issues: [issue('EX1', { posts: [{ description: { content: 'p' } }, 'text'] })] })] },
      ...message('posts[1] of issue "EX1" is not an object'),
    );
    refuses(
      { value: [ok('A', { issues: [issue('EX1', { posts: 'text' })] })] },
      ...message('the "posts" of issue "EX1" is not an array'),
    );
  });

  test('a page after a malformed one names where the entry was', () => {
    const tally = new AnswerTally();
    decodeServicePage({ value: [ok('A')], '@odata.nextLink': 'https://graph.example.test/next' }, tally);
    refuses(
      { value: [ok('B'), {}] },
      ...bad('an entry of the answer is not a service, an issue or a post (first: value[1] of page 2 has no "id")'),
      tally,
    );
  });

  test('optional fields missing, null or of another type still read as missing (no entry is malformed for them)', () => {
    const [service] = decodeServicePage({
      value: [
        { id: 'A', status: 'ServiceDegradation', service: null, issues: null },
        ok('B', {
          issues: [
            {
              id: 'EX1',
              title: 5,
              status: null,
              feature: null,
              featureGroup: null,
              endDateTime: null,
              posts: [{ description: 'x' }],
            },
          ],
        }),
      ],
    }).entries;
    assert.deepEqual([service.name, service.status, service.issues], ['A', 'serviceDegradation', []]);
  });
});

describe('an id listed twice is an error of the answer, not "the last one wins"', () => {
  const twice = (message: string) => ['GRAPH_BAD_RESPONSE', message] as const;

  test('a service id twice, on one page or on two', () => {
    const interrupted = ok('Exchange', { status: 'serviceInterruption' });
    refuses(
      { value: [interrupted, ok('Exchange')] },
      ...twice('service id "Exchange" appears twice in one answer: the answer is refused'),
    );
    const tally = new AnswerTally();
    decodeServicePage({ value: [interrupted], '@odata.nextLink': 'https://graph.example.test/next' }, tally);
    refuses(
      { value: [ok('Exchange')] },
      ...twice('service id "Exchange" appears twice in one answer: the answer is refused'),
      tally,
    );
  });

  test('an issue id twice, under one service or two', () => {
    const message = (service: string) =>
      `issue id "EX1" appears twice in one answer (the second time under service "${service}"): the answer is refused`;
    refuses(
      { value: [ok('A', { issues: [issue('EX1'), issue('EX1', { status: 'serviceRestored' })] })] },
      ...twice(message('A')),
    );
    refuses(
      { value: [ok('A', { issues: [issue('EX1')] }), ok('B', { issues: [issue('EX1')] })] },
      ...twice(message('B')),
    );
  });

  test('ids differing only in case are two services, as Graph keys them', () => {
    assert.deepEqual(
      decodeServicePage({ value: [ok('Exchange'), ok('exchange')] }).entries.map((s) => s.id),
      ['Exchange', 'exchange'],
    );
  });
});
