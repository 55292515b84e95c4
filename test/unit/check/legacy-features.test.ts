import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EntryFilters } from '../../../src/check/check-options.ts';
import { buildLegacyServices } from '../../../src/check/check-entries.ts';
import { worstIssue } from '../../../src/health/feature-groups.ts';
import { ALL, makeIssue, makeService } from '../../helpers/make-services.ts';

const rows = (filters: EntryFilters, services: Parameters<typeof buildLegacyServices>[0]) =>
  buildLegacyServices(services, filters).map((s) => [
    `${s.service.service_name}: ${s.service.status}`,
    ...s.features.map((f) => `${f.feature_name}: ${f.status}`),
  ]);

describe('buildLegacyServices', () => {
  test('a healthy Exchange Online shows its five legacy features, sorted by name, with display statuses', () => {
    assert.deepEqual(rows(ALL, [makeService('Exchange', 'Exchange Online')]), [
      [
        'Exchange Online: Normal service',
        'E-Mail and calendar access: Normal service',
        'E-Mail timely delivery: Normal service',
        'Management and Provisioning: Normal service',
        'Sign-in: Normal service',
        'Voice mail: Normal service',
      ],
    ]);
  });

  test('feature groups of open issues join the catalogue, each with the worst status of its issues', () => {
    const issues = [
      makeIssue({ id: 'EX1', featureGroup: 'E-Mail timely delivery', status: 'investigating' }),
      makeIssue({ id: 'EX2', featureGroup: 'e-mail TIMELY delivery', status: 'serviceInterruption' }),
      makeIssue({ id: 'EX3', featureGroup: 'Tenant Administration', status: 'serviceDegradation' }),
      makeIssue({ id: 'EX4', featureGroup: 'Portal', status: 'serviceInterruption', isResolved: true }),
      makeIssue({ id: 'EX5', featureGroup: undefined, status: 'serviceInterruption' }),
    ];
    assert.deepEqual(rows(ALL, [makeService('Exchange', 'Exchange Online', 'serviceInterruption', issues)]), [
      [
        'Exchange Online: Service interruption',
        'E-Mail and calendar access: Normal service',
        'E-Mail timely delivery: Service interruption',
        'Management and Provisioning: Normal service',
        'Sign-in: Normal service',
        'Tenant Administration: Service degradation',
        'Voice mail: Normal service',
      ],
    ]);
  });

  test('a service outside the legacy catalogue has only the feature groups of its issues', () => {
    const issue = makeIssue({ id: 'TM1', featureGroup: 'Teams Components', status: 'serviceRestored' });
    assert.deepEqual(
      rows(ALL, [
        makeService('microsoftteams', 'Microsoft Teams', 'serviceRestored', [issue]),
        makeService('Intune', 'Microsoft Intune'),
      ]),
      [
        ['Microsoft Teams: Service restored', 'Teams Components: Service restored'],
        ['Microsoft Intune: Normal service'],
      ],
    );
  });

  test('--filter-feature-name and the service-name filters', () => {
    const services = [makeService('Exchange', 'Exchange Online'), makeService('Lync', 'Skype for Business')];
    assert.deepEqual(rows({ ...ALL, includeServiceName: /Skype/, featureName: /^(Audio|Pres)/ }, services), [
      ['Skype for Business: Normal service', 'Audio and Video: Normal service', 'Presence: Normal service'],
    ]);
  });

  test('variables: display status, names, no status text in %{service_name}', () => {
    const issue = makeIssue({
      id: 'SP1',
      featureGroup: 'Tenant Admin',
      classification: 'advisory',
      status: 'investigating',
    });
    const [sharepoint] = buildLegacyServices(
      [makeService('SharePoint', 'SharePoint Online', 'investigating', [issue])],
      ALL,
    );
    assert.deepEqual(sharepoint?.service, {
      service_name: 'SharePoint Online',
      service_id: 'SharePoint',
      status: 'Investigating',
      feature_name: '',
      feature_group: '',
    });
    const admin = sharepoint?.features.find((f) => f.feature_name === 'Tenant Admin');
    assert.equal(admin?.service_name, 'SharePoint Online');
    assert.equal(admin?.feature_name, 'Tenant Admin');
    assert.equal(admin?.status, 'Investigating');
    assert.equal(admin?.classification, 'advisory');
    assert.equal(admin?.issue_id, 'SP1');
  });

  test('worstIssue ranks interruption above degradation above investigating above restored', () => {
    const make = (id: string, status: string) => makeIssue({ id, status });
    assert.equal(
      worstIssue([make('a', 'serviceRestored'), make('b', 'investigating'), make('c', 'serviceDegradation')])?.id,
      'c',
    );
    assert.equal(worstIssue([make('a', 'serviceDegradation'), make('b', 'serviceInterruption')])?.id, 'b');
    assert.equal(worstIssue([]), undefined);
  });
});
