import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Issue, Service } from '../../../src/health/model.ts';
import {
  displayStatus,
  evaluateServiceHealth,
  parseClassification,
  parseServiceStatus,
} from '../../../src/health/status.ts';

function issue(overrides: Partial<Issue>): Issue {
  return {
    id: 'EX1',
    title: 't',
    impactDescription: '',
    classification: 'incident',
    status: 'serviceDegradation',
    rawStatus: 'serviceDegradation',
    service: 'Exchange Online',
    feature: undefined,
    featureGroup: undefined,
    isResolved: false,
    startDateTime: undefined,
    endDateTime: undefined,
    lastModifiedDateTime: undefined,
    posts: [],
    ...overrides,
  };
}

function service(status: Service['status'], issues: Issue[] = []): Service {
  return { id: 'Exchange', name: 'Exchange Online', status, rawStatus: status, issues };
}

describe('parseServiceStatus', () => {
  test('reads PascalCase (docs) and camelCase (live) alike', () => {
    assert.equal(parseServiceStatus('ServiceOperational'), 'serviceOperational');
    assert.equal(parseServiceStatus('serviceDegradation'), 'serviceDegradation');
    assert.equal(parseServiceStatus('POSTINCIDENTREVIEWPUBLISHED'), 'postIncidentReviewPublished');
  });
  test('maps unknown values and wrong types to other', () => {
    assert.equal(parseServiceStatus('somethingNew'), 'other');
    assert.equal(parseServiceStatus(42), 'other');
    assert.equal(parseServiceStatus(undefined), 'other');
    assert.equal(parseClassification('Advisory'), 'advisory');
    assert.equal(parseClassification('unknownFutureValue'), 'other');
  });
});

describe('evaluateServiceHealth', () => {
  test('healthy end states are ok', () => {
    for (const status of [
      'serviceOperational',
      'serviceRestored',
      'postIncidentReviewPublished',
      'falsePositive',
    ] as const) {
      assert.equal(evaluateServiceHealth(service(status)), 0, status);
    }
  });
  test('an interruption is critical', () => {
    assert.equal(evaluateServiceHealth(service('serviceInterruption')), 2);
  });
  test('a degradation is critical only while an unresolved incident is open', () => {
    assert.equal(evaluateServiceHealth(service('serviceDegradation', [issue({})])), 2);
    assert.equal(evaluateServiceHealth(service('serviceDegradation', [issue({ classification: 'advisory' })])), 1);
    assert.equal(evaluateServiceHealth(service('serviceDegradation', [issue({ isResolved: true })])), 1);
    assert.equal(evaluateServiceHealth(service('serviceDegradation')), 1);
  });
  test('every other state warns', () => {
    for (const status of ['investigating', 'restoringService', 'extendedRecovery', 'other'] as const) {
      assert.equal(evaluateServiceHealth(service(status, [issue({})])), 1, status);
    }
  });
});

test('displayStatus gives the admin-center label, or the raw spelling', () => {
  assert.equal(displayStatus('serviceOperational', 'serviceOperational'), 'Normal service');
  assert.equal(displayStatus('other', 'brandNewState'), 'brandNewState');
});
