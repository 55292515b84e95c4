import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseScenario } from '../../../src/simulator/index.ts';
import {
  CONTOSO,
  CONTOSO_APP,
  CONTOSO_SECRET,
  fakeClock,
  fetchToken,
  graphGet,
  startFromYaml,
  T0,
} from './sim-helpers.ts';

const SCENARIO = `
tenants:
  - name: contoso
    tenant_id: ${CONTOSO}
    clients:
      - { client_id: ${CONTOSO_APP}, client_secret: ${CONTOSO_SECRET} }
      - { client_id: 88888888-8888-8888-8888-888888888888, client_secret: health-only, message_permission: false }
    services: [Exchange, microsoftteams]
    messages:
      - { id: MC100001, title: Old news, start: -3d }
      - id: MC100002
        title: Retirement of a protocol
        category: preventOrFixIssue
        severity: high
        services: [Exchange, microsoftteams]
        tags: [Retirement, Admin impact]
        major_change: true
        action_required_by: 30d
        start: -1d
        modified: 10m
        body: "<p>Move to OAuth.</p>"
      - { id: MC100003, title: Coming soon, start: 30m }
`;

type Page = { value: Array<Record<string, unknown>>; '@odata.nextLink'?: string };

describe('simulator message center', () => {
  test('lists published messages with Graph’s shape; later starts and modifications appear when their time comes', async () => {
    const clock = fakeClock();
    const sim = await startFromYaml(SCENARIO, { clock: clock.now });
    try {
      const token = await fetchToken(sim);
      const read = async () => ((await (await graphGet(sim, 'messages', token)).json()) as Page).value;
      const first = await read();
      assert.deepEqual(
        first.map((m) => m['id']),
        ['MC100001', 'MC100002'],
      );
      assert.deepEqual(first[1], {
        startDateTime: new Date(T0 - 86_400_000).toISOString(),
        endDateTime: null,
        lastModifiedDateTime: new Date(T0 - 86_400_000).toISOString(),
        title: 'Retirement of a protocol',
        id: 'MC100002',
        category: 'preventOrFixIssue',
        severity: 'high',
        tags: ['Retirement', 'Admin impact'],
        isMajorChange: true,
        actionRequiredByDateTime: new Date(T0 + 30 * 86_400_000).toISOString(),
        services: ['Exchange Online', 'Microsoft Teams'],
        hasAttachments: false,
        viewPoint: null,
        details: [],
        body: { contentType: 'html', content: '<p>Move to OAuth.</p>' },
      });
      clock.advance(1_800_000);
      const later = await read();
      assert.deepEqual(
        later.map((m) => [m['id'], m['lastModifiedDateTime']]),
        [
          ['MC100001', new Date(T0 - 3 * 86_400_000).toISOString()],
          ['MC100002', new Date(T0 + 600_000).toISOString()],
          ['MC100003', new Date(T0 + 1_800_000).toISOString()],
        ],
      );
    } finally {
      await sim.close();
    }
  });

  test('pages with $skip, and answers 403 to an app without ServiceMessage.Read.All', async () => {
    const sim = await startFromYaml(SCENARIO, { pageSize: 1 });
    try {
      const token = await fetchToken(sim);
      const page = (await (await graphGet(sim, 'messages', token)).json()) as Page;
      assert.equal(page.value.length, 1);
      assert.match(page['@odata.nextLink'] ?? '', /\/v1\.0\/admin\/serviceAnnouncement\/messages\?\$skip=1$/);
      const healthOnly = await fetchToken(sim, CONTOSO, '88888888-8888-8888-8888-888888888888', 'health-only');
      const refused = await graphGet(sim, 'messages', healthOnly);
      assert.equal(refused.status, 403);
      assert.match(
        ((await refused.json()) as { error: { message: string } }).error.message,
        /ServiceMessage\.Read\.All/,
      );
      assert.equal((await graphGet(sim, 'healthOverviews', healthOnly)).status, 200);
    } finally {
      await sim.close();
    }
  });

  test('a scenario’s messages are validated strictly, every problem at once', () => {
    const bad = `${SCENARIO}      - { id: MC100001, title: Again, severity: urgent, services: [exchange], colour: red }\n`;
    assert.throws(() => parseScenario(bad, 'bad.yaml'), {
      code: 'SCENARIO_INVALID',
      message: [
        'Invalid scenario bad.yaml:',
        '  - tenants[0].messages[3].colour (line 23): unknown key (allowed: id, title, category, severity, services, tags, major_change, action_required_by, start, end, modified, body)',
        "  - tenants[0].messages[3].severity (line 23): unknown value 'urgent' (expected one of: normal, high, critical)",
        "  - tenants[0].messages[3].services[0] (line 23): unknown service id 'exchange' (did you mean 'Exchange'?)",
      ].join('\n'),
    });
    const duplicate = `${SCENARIO}      - { id: MC100001, title: Again }\n`;
    assert.throws(() => parseScenario(duplicate, 'dup.yaml'), {
      message: /tenants\[0\]\.messages\[3\]\.id \(line 23\): duplicate message id 'MC100001'/,
    });
  });
});
