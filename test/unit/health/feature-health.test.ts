import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateFeatureGroups } from '../../../src/health/evaluate.ts';
import { listFeatureGroups } from '../../../src/health/feature-groups.ts';
import type { Issue, Service } from '../../../src/health/model.ts';
import { ExpressionCompiler } from '../../../src/health/severity-rules.ts';
import { evaluateServiceHealth } from '../../../src/health/status.ts';

function issue(id: string, overrides: Partial<Issue>): Issue {
  return {
    id,
    title: 't',
    impactDescription: '',
    classification: 'advisory',
    status: 'serviceDegradation',
    rawStatus: 'serviceDegradation',
    service: 'x',
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

const healthOf = (service: Service, rule = evaluateServiceHealth) =>
  Object.fromEntries(evaluateFeatureGroups(service, rule).map((feature) => [feature.group, feature.health]));

describe('feature groups', () => {
  test('a healthy Exchange Online reports the five groups of the legacy catalogue, all ok', () => {
    const exchange: Service = {
      id: 'Exchange',
      name: 'Exchange Online',
      status: 'serviceOperational',
      rawStatus: 'serviceOperational',
      issues: [],
    };
    assert.deepEqual(healthOf(exchange), {
      'Sign-in': 0,
      'E-Mail and calendar access': 0,
      'E-Mail timely delivery': 0,
      'Management and Provisioning': 0,
      'Voice mail': 0,
    });
  });

  test('issues add their groups once (ignoring case, the catalogue spelling kept), resolved ones included', () => {
    const issues = [
      issue('EX1', { featureGroup: 'SIGN-IN' }),
      issue('EX2', { featureGroup: 'Mobile', isResolved: true }),
      issue('EX3', { featureGroup: 'mobile' }),
    ];
    assert.deepEqual(listFeatureGroups({ id: 'Exchange' }, issues), [
      'Sign-in',
      'E-Mail and calendar access',
      'E-Mail timely delivery',
      'Management and Provisioning',
      'Voice mail',
      'Mobile',
    ]);
    assert.deepEqual(
      listFeatureGroups({ id: 'microsoftteams' }, []),
      [],
      'a service outside the legacy catalogue has only its issues’ groups',
    );
  });

  test('each group is judged by the service’s rule from its own open issues and the worst of their statuses', () => {
    const teams: Service = {
      id: 'microsoftteams',
      name: 'Microsoft Teams',
      status: 'serviceInterruption',
      rawStatus: 'serviceInterruption',
      issues: [
        issue('TM1', {
          featureGroup: 'Teams Components',
          classification: 'incident',
          status: 'serviceInterruption',
          rawStatus: 'serviceInterruption',
        }),
        issue('TM2', { featureGroup: 'Presence' }),
        issue('TM3', { featureGroup: 'Online Meetings', classification: 'incident' }),
        issue('TM4', {
          featureGroup: 'Audio and Video',
          classification: 'incident',
          isResolved: true,
          status: 'serviceRestored',
          rawStatus: 'serviceRestored',
        }),
      ],
    };
    assert.deepEqual(healthOf(teams), {
      'Teams Components': 2,
      Presence: 1,
      'Online Meetings': 2,
      'Audio and Video': 0,
    });
    const lenient = new ExpressionCompiler().severityRule({
      critical: '%{status} eq "serviceInterruption"',
      warning: '',
    });
    assert.deepEqual(healthOf(teams, lenient), {
      'Teams Components': 2,
      Presence: 0,
      'Online Meetings': 0,
      'Audio and Video': 0,
    });
  });
});
