import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileExpression } from '../../../src/health/expression/compile.ts';

describe('Graph plugin default: --critical-status', () => {
  const critical = compileExpression('%{status} !~ /serviceOperational|serviceRestored/i');

  test('reads only %{status}', () => assert.deepEqual(critical.variables, ['status']));

  test('a healthy service is not critical, whatever the spelling Graph uses', () => {
    for (const status of ['serviceOperational', 'ServiceOperational', 'serviceRestored', 'ServiceRestored']) {
      assert.equal(critical.evaluate({ status }), false, status);
    }
  });

  test('every other status is critical, including advisories flipped to degradation', () => {
    for (const status of [
      'serviceDegradation',
      'serviceInterruption',
      'investigating',
      'restoringService',
      'extendedRecovery',
      'falsePositive',
      '-',
    ]) {
      assert.equal(critical.evaluate({ status }), true, status);
    }
  });

  test('a service with no status at all is critical, as an unknown variable is empty', () => {
    assert.equal(critical.evaluate({}), true);
  });
});

describe('legacy plugin defaults', () => {
  test('%{status} !~ /Normal|Service Restored/i accepts the display names of healthy states', () => {
    const critical = compileExpression('%{status} !~ /Normal|Service Restored/i');
    assert.equal(critical.evaluate({ status: 'Normal service' }), false);
    assert.equal(critical.evaluate({ status: 'Service restored' }), false);
    assert.equal(critical.evaluate({ status: 'Service degradation' }), true);
    assert.equal(critical.evaluate({ status: 'Extended recovery' }), true);
  });

  test('the pre-2019 /Normal/i default', () => {
    const critical = compileExpression('%{status} !~ /Normal/i');
    assert.equal(critical.evaluate({ status: 'Normal service' }), false);
    assert.equal(critical.evaluate({ status: 'Service restored' }), true);
  });
});

describe('thresholds users write', () => {
  test('incidents critical, advisories warning', () => {
    const critical = compileExpression('%{classification} eq "incident" and %{status} =~ /degradation|interruption/i');
    const warning = compileExpression(
      "%{classification} eq 'advisory' and %{status} !~ /serviceOperational|serviceRestored/i",
    );
    const incident = { classification: 'incident', status: 'serviceDegradation' };
    const advisory = { classification: 'advisory', status: 'serviceDegradation' };
    assert.deepEqual([critical.evaluate(incident), warning.evaluate(incident)], [true, false]);
    assert.deepEqual([critical.evaluate(advisory), warning.evaluate(advisory)], [false, true]);
  });

  test('an empty threshold never matches', () => {
    assert.equal(compileExpression('').evaluate({ status: 'serviceInterruption' }), false);
  });

  test('filtering on service name and issue id', () => {
    const critical = compileExpression(
      "%{service_name} =~ /^(Exchange Online|Microsoft Teams)$/ && %{issue_id} ne '-'",
    );
    assert.equal(critical.evaluate({ service_name: 'Microsoft Teams', issue_id: 'TM1' }), true);
    assert.equal(critical.evaluate({ service_name: 'Microsoft Teams', issue_id: '-' }), false);
    assert.equal(critical.evaluate({ service_name: 'SharePoint Online', issue_id: 'SP1' }), false);
  });
});
