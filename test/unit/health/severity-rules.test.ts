import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CLASSIFICATIONS, SERVICE_STATUSES, type Issue, type Service } from '../../../src/health/model.ts';
import {
  DEFAULT_SEVERITY_TEXTS,
  ExpressionCompiler,
  listSeverityEntries,
  type SeverityTexts,
} from '../../../src/health/severity-rules.ts';
import { evaluateServiceHealth } from '../../../src/health/status.ts';

function issue(overrides: Partial<Issue>): Issue {
  return {
    id: 'EX1',
    title: 'Mail is slow',
    impactDescription: '',
    classification: 'incident',
    status: 'serviceDegradation',
    rawStatus: 'serviceDegradation',
    service: 'Exchange Online',
    feature: 'E-Mail delivery',
    featureGroup: 'E-Mail timely delivery',
    isResolved: false,
    startDateTime: '2026-11-27T08:00:00Z',
    endDateTime: undefined,
    lastModifiedDateTime: undefined,
    posts: [],
    ...overrides,
  };
}

function service(status: Service['status'], issues: Issue[] = [], rawStatus: string = status): Service {
  return { id: 'Exchange', name: 'Exchange Online', status, rawStatus, issues };
}

const compile = (texts: SeverityTexts) => new ExpressionCompiler().severityRule(texts);

describe('severity rules', () => {
  test('the default expressions decide exactly as the built-in rule, whatever the statuses, spellings and issues', () => {
    const byExpressions = compile(DEFAULT_SEVERITY_TEXTS);
    const spelled = (status: string) =>
      fc.constantFrom(status, status.toUpperCase(), status.charAt(0).toUpperCase() + status.slice(1));
    const arbitraryIssue = fc
      .record({
        classification: fc.constantFrom(...CLASSIFICATIONS),
        isResolved: fc.boolean(),
        status: fc.constantFrom(...SERVICE_STATUSES),
      })
      .map((fields) => issue({ ...fields, rawStatus: fields.status }));
    const arbitraryService = fc
      .constantFrom(...SERVICE_STATUSES)
      .chain((status) =>
        fc.tuple(
          fc.constant(status),
          status === 'other' ? fc.constantFrom('', 'somethingNew') : spelled(status),
          fc.array(arbitraryIssue, { maxLength: 4 }),
        ),
      )
      .map(([status, raw, issues]) => service(status, issues, raw));
    fc.assert(
      fc.property(arbitraryService, (s) => byExpressions(s) === evaluateServiceHealth(s)),
      { numRuns: 2000 },
    );
  });

  test('an entry per open issue, or one for the service alone, with the check’s variables', () => {
    const resolved = issue({ id: 'EX0', isResolved: true });
    assert.deepEqual(
      listSeverityEntries(service('serviceOperational', [resolved])).map((v) => [
        v.issue_id,
        v.classification,
        v.status,
      ]),
      [['-', '-', 'serviceOperational']],
    );
    const entries = listSeverityEntries(
      service('serviceDegradation', [resolved, issue({ id: 'EX1' }), issue({ id: 'EX2', classification: 'advisory' })]),
    );
    assert.deepEqual(
      entries.map((v) => [v.issue_id, v.classification, v.feature_group, v.issue_resolved]),
      [
        ['EX1', 'incident', 'E-Mail timely delivery', '0'],
        ['EX2', 'advisory', 'E-Mail timely delivery', '0'],
      ],
    );
    assert.deepEqual(Object.keys(entries[0]), [
      'status',
      'service_name',
      'service_id',
      'classification',
      'issue_title',
      'issue_startDateTime',
      'issue_id',
      'issue_status',
      'issue_resolved',
      'feature_name',
      'feature_group',
    ]);
  });

  test('custom rules: critical on any open incident, never a warning (empty expression)', () => {
    const rule = compile({ critical: '%{classification} eq "incident"', warning: '' });
    assert.equal(rule(service('investigating', [issue({ status: 'investigating', rawStatus: 'investigating' })])), 2);
    assert.equal(rule(service('serviceDegradation', [issue({ classification: 'advisory' })])), 0);
    assert.equal(
      rule(service('serviceInterruption')),
      0,
      'no entry is an incident: the service itself is ok by these rules',
    );
  });

  test('the worst entry wins; warning needs only one entry', () => {
    const rule = compile({ critical: '%{issue_title} =~ /outage/i', warning: '%{feature_group} eq "Sign-in"' });
    const signIn = issue({ id: 'EX2', featureGroup: 'Sign-in', classification: 'advisory' });
    assert.equal(rule(service('serviceDegradation', [issue({}), signIn])), 1);
    assert.equal(rule(service('serviceDegradation', [signIn, issue({ id: 'EX3', title: 'Outage of mail flow' })])), 2);
    assert.equal(rule(service('serviceDegradation', [issue({})])), 0);
  });

  test('a compiler compiles each text once for its life: a reload gets the very same expressions', () => {
    const compiler = new ExpressionCompiler();
    const first = compiler.expression('%{classification} eq "incident"');
    assert.equal(compiler.expression('%{classification} eq "incident"'), first);
    assert.deepEqual(first.variables, ['classification']);
    const other = new ExpressionCompiler().expression('%{classification} eq "incident"');
    assert.notEqual(other, first, 'compilers do not share what they compiled');
    assert.equal(other.text, first.text);
    const rule = compiler.severityRule({ critical: '%{classification} eq "incident"', warning: '' });
    assert.equal(rule(service('serviceDegradation', [issue({})])), 2);
    assert.equal(rule(service('serviceDegradation', [issue({ classification: 'advisory' })])), 0);
    assert.throws(() => compiler.expression('%{status} =~'), { code: 'EXPRESSION_SYNTAX' });
  });
});
