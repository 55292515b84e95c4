import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { M365Error } from '../../../src/errors.ts';
import { decodeServicePage } from '../../../src/graph/decode.ts';

const statusish = fc.oneof(
  fc.constantFrom('serviceOperational', 'ServiceDegradation', 'INVESTIGATING', 'unknownFutureValue'),
  fc.string(),
);
const anyJson = fc.jsonValue({ maxDepth: 3 });
const issueLike = fc.record(
  {
    id: fc.oneof(fc.string(), anyJson),
    classification: fc.oneof(fc.constantFrom('incident', 'Advisory', 'other'), anyJson),
    status: fc.oneof(statusish, anyJson),
    isResolved: fc.oneof(fc.boolean(), anyJson),
    posts: fc.oneof(
      fc.array(fc.record({ description: fc.oneof(fc.record({ content: fc.string() }), anyJson) })),
      anyJson,
    ),
    lastModifiedDateTime: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      anyJson,
    ),
  },
  { requiredKeys: [] },
);
const serviceLike = fc.record(
  {
    id: fc.oneof(fc.string(), anyJson),
    service: fc.oneof(fc.string(), anyJson),
    status: fc.oneof(statusish, anyJson),
    issues: fc.oneof(fc.array(issueLike), anyJson),
  },
  { requiredKeys: [] },
);
const pageLike = fc.oneof(
  anyJson,
  fc.record(
    {
      value: fc.oneof(fc.array(fc.oneof(serviceLike, anyJson)), anyJson),
      '@odata.nextLink': fc.oneof(fc.webUrl(), anyJson),
    },
    { requiredKeys: [] },
  ),
);

/** What the decoder may throw: a malformed answer, or one past a bound. */
const DOCUMENTED = new Set(['GRAPH_BAD_RESPONSE', 'GRAPH_ANSWER_TOO_LARGE']);

test('the Graph decoder never throws anything but its documented errors, and what it returns is well typed', () => {
  fc.assert(
    fc.property(pageLike, (body) => {
      let page;
      try {
        page = decodeServicePage(body);
      } catch (error) {
        assert.ok(error instanceof M365Error && DOCUMENTED.has(error.code), String(error));
        return;
      }
      for (const service of page.entries) {
        assert.equal(typeof service.id, 'string');
        assert.ok(service.id.length > 0);
        assert.equal(typeof service.name, 'string');
        assert.equal(typeof service.status, 'string');
        for (const issue of service.issues) {
          assert.equal(typeof issue.isResolved, 'boolean');
          assert.ok(['advisory', 'incident', 'other'].includes(issue.classification));
          for (const post of issue.posts) assert.equal(typeof post.content, 'string');
        }
      }
      assert.ok(page.nextLink === undefined || typeof page.nextLink === 'string');
    }),
    { numRuns: 2000 },
  );
});

const text = (max: number) => fc.string({ minLength: 1, maxLength: max });
const wellFormedIssue = fc.record(
  {
    title: text(40),
    status: statusish,
    classification: fc.constantFrom('incident', 'Advisory'),
    featureGroup: fc.option(text(20)),
    posts: fc.array(fc.record({ description: fc.record({ content: fc.string() }) }), { maxLength: 3 }),
  },
  { requiredKeys: ['status'] },
);
const wellFormedPage = fc
  .uniqueArray(
    fc.record({
      id: text(20),
      service: text(40),
      status: statusish.filter((s) => s !== ''),
      issues: fc.array(wellFormedIssue, { maxLength: 4 }),
    }),
    { selector: (s) => s.id, maxLength: 40 },
  )
  .map((value) => {
    let n = 0;
    // Issue ids unique across the answer, as Graph's are.
    return {
      value: value.map((service) => ({
        ...service,
        issues: service.issues.map((issue) => ({ ...issue, id: `EX${n++}` })),
      })),
    };
  });

test('a well-formed answer within the bounds decodes whole: every service and issue, none refused', () => {
  fc.assert(
    fc.property(wellFormedPage, (body) => {
      const page = decodeServicePage(body);
      assert.deepEqual(
        page.entries.map((s) => [s.id, s.issues.map((i) => i.id)]),
        body.value.map((s) => [s.id, s.issues.map((i) => i.id)]),
      );
    }),
    { numRuns: 500 },
  );
});
