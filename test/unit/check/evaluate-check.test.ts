import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_CRITICAL } from '../../../src/check/check-options.ts';
import { compileStatusRules, evaluateCheck, selectListedServices } from '../../../src/check/check-entries.ts';
import {
  describeCheckError,
  formatServiceList,
  formatServiceListJson,
} from '../../../src/check/format-plugin-output.ts';
import { M365Error } from '../../../src/errors.ts';
import { ALL, makeIssue, makeService } from '../../helpers/make-services.ts';

const services = [
  makeService('Exchange', 'Exchange Online', 'serviceDegradation', [
    makeIssue({ id: 'EX1', classification: 'advisory', featureGroup: 'E-Mail timely delivery' }),
    makeIssue({ id: 'EX2', classification: 'incident', status: 'serviceInterruption', featureGroup: 'Sign-in' }),
  ]),
  makeService('SharePoint', 'SharePoint Online', 'serviceRestored'),
  makeService('Planner', 'Planner', 'investigating'),
];

describe('evaluateCheck', () => {
  test('Graph language: default critical, then warning, then unknown; the first match wins', () => {
    const rules = compileStatusRules({
      critical: `${DEFAULT_CRITICAL.graphapi} and %{classification} eq "incident"`,
      warning: '%{status} !~ /serviceOperational|serviceRestored/i',
      unknown: '%{service_id} eq "SharePoint"',
    });
    const result = evaluateCheck(services, 'graphapi', ALL, rules);
    assert.equal(result.kind, 'graph');
    assert.deepEqual(result.kind === 'graph' && result.entries.map((e) => [e.variables.issue_id, e.state]), [
      ['EX1', 1],
      ['EX2', 2],
      ['-', 3],
      ['-', 1],
    ]);
  });

  test('legacy language: display statuses are what expressions see', () => {
    const rules = compileStatusRules({
      critical: DEFAULT_CRITICAL.managementapi,
      warning: '%{feature_name} =~ /Sign/',
      unknown: '',
    });
    const result = evaluateCheck(
      services,
      'managementapi',
      { ...ALL, includeServiceName: /Exchange|SharePoint/ },
      rules,
    );
    assert.ok(result.kind === 'legacy');
    const [exchange, sharepoint] = result.services;
    assert.deepEqual(
      [exchange?.service.variables.service_name, exchange?.service.variables.status, exchange?.service.state],
      ['Exchange Online', 'Service degradation', 2],
    );
    assert.deepEqual(
      exchange?.features.map((f) => [f.variables.feature_name, f.variables.status, f.state]),
      [
        ['E-Mail and calendar access', 'Normal service', 0],
        ['E-Mail timely delivery', 'Service degradation', 2],
        ['Management and Provisioning', 'Normal service', 0],
        ['Sign-in', 'Service interruption', 2],
        ['Voice mail', 'Normal service', 0],
      ],
    );
    assert.deepEqual(
      [sharepoint?.service.variables.service_name, sharepoint?.service.variables.status, sharepoint?.service.state],
      ['SharePoint Online', 'Service restored', 0],
    );
  });

  test('a syntax error names the option and the position', () => {
    assert.throws(
      () => compileStatusRules({ critical: '', warning: '%{status} =~ && 1', unknown: '' }),
      (error: unknown) => {
        assert.ok(error instanceof M365Error);
        assert.equal(error.code, 'EXPRESSION_SYNTAX');
        assert.match(error.message, /^--warning-status: syntax error at position \d+: /);
        return true;
      },
    );
  });
});

describe('describeCheckError', () => {
  test('says which side failed and keeps the message that says what to fix', () => {
    assert.equal(
      describeCheckError(
        new M365Error(
          'AUTH_INVALID_SECRET',
          "invalid client secret: use the secret's Value, not its Secret ID (invalid_client, AADSTS7000215)",
        ),
        10_000,
      ),
      "Login endpoint API returned an error: invalid client secret: use the secret's Value, not its Secret ID (invalid_client, AADSTS7000215)",
    );
    assert.equal(
      describeCheckError(
        new M365Error('GRAPH_BAD_RESPONSE', 'Cannot decode json response: x (HTTP 200, text/html)'),
        10_000,
      ),
      'Cannot decode json response: x (HTTP 200, text/html)',
    );
    const tooLarge = '501 services in one answer (one page), past the bound of 500: the answer is refused';
    assert.equal(
      describeCheckError(new M365Error('GRAPH_ANSWER_TOO_LARGE', tooLarge), 10_000),
      `Graph endpoint API answered badly: ${tooLarge}`,
    );
    assert.equal(
      describeCheckError(
        new M365Error('GRAPH_THROTTLED', 'still throttled (HTTP 429) at the deadline: Graph asked to wait 5.0 s more'),
        10_000,
      ),
      'Graph endpoint API still throttled (HTTP 429) at the deadline: Graph asked to wait 5.0 s more',
    );
    const last = new M365Error('GRAPH_ERROR', 'Graph error ServiceUnavailable: down (HTTP 503)');
    assert.equal(
      describeCheckError(
        new M365Error('GRAPH_ERROR', 'still failing (HTTP 503) at the deadline: wait', { cause: last }),
        10_000,
      ),
      'Graph endpoint API returned an error: still failing (HTTP 503) at the deadline: wait (last answer: Graph error ServiceUnavailable: down (HTTP 503))',
    );
    assert.equal(
      describeCheckError(new M365Error('GRAPH_THROTTLED', 'throttled by Graph (HTTP 429)'), 10_000),
      'Graph endpoint API still throttled after retries: throttled by Graph (HTTP 429)',
    );
    assert.equal(
      describeCheckError(new M365Error('GRAPH_FORBIDDEN', 'Forbidden: x (HTTP 403): grant'), 10_000),
      'Graph endpoint API returned an error: Forbidden: x (HTTP 403): grant',
    );
    assert.equal(
      describeCheckError(new M365Error('TIMEOUT', 'The operation was aborted due to timeout'), 2500),
      'No answer within --timeout=2.5 s: The operation was aborted due to timeout',
    );
    assert.equal(
      describeCheckError(new M365Error('NETWORK', 'cannot reach Microsoft Graph: fetch failed'), 10_000),
      'cannot reach Microsoft Graph: fetch failed',
    );
  });
});

describe('list-services formatting', () => {
  test('filters by name, sorts by id, prints Centreon lines or JSON', () => {
    const listed = selectListedServices(services, /Online/, ALL);
    assert.equal(
      formatServiceList(listed),
      'List services:\n[service_id: Exchange] [service_name: Exchange Online]\n[service_id: SharePoint] [service_name: SharePoint Online]\n',
    );
    assert.deepEqual(
      JSON.parse(
        formatServiceListJson(selectListedServices(services, undefined, { ...ALL, excludeServiceName: /Online/ })),
      ),
      [{ service_id: 'Planner', service_name: 'Planner', status: 'investigating' }],
    );
  });
});
