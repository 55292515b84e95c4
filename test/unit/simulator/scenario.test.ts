import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { M365Error } from '../../../src/errors.ts';
import { DEFAULT_SERVICE_IDS, loadDefaultScenario, loadScenario, parseScenario } from '../../../src/simulator/index.ts';
import { parseDuration } from '../../../src/simulator/scenario-reader.ts';

const HEAD = `tenants:
  - name: contoso
    tenant_id: 11111111-1111-1111-1111-111111111111
    clients: [{ client_id: 22222222-2222-2222-2222-222222222222, client_secret: s }]
`;

/** The problem lines of the error thrown for `text`. */
function problems(text: string): string[] {
  try {
    parseScenario(text, 'bad.yaml');
  } catch (error) {
    assert.ok(error instanceof M365Error);
    assert.equal(error.code, 'SCENARIO_INVALID');
    const [first, ...rest] = error.message.split('\n');
    assert.equal(first, 'Invalid scenario bad.yaml:');
    return rest;
  }
  assert.fail('expected SCENARIO_INVALID');
}

describe('scenario validation', () => {
  const rules: Array<[string, string, string[]]> = [
    ['an empty file', '', ['  - (root): expected a mapping']],
    [
      'YAML syntax',
      'tenants: [\n',
      ['  - line 2: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ],
    ['duplicate keys', `${HEAD}loop: 1m\nloop: 2m\n`, ['  - line 6: Map keys must be unique']],
    [
      'unknown top-level key',
      `${HEAD}colour: red\n`,
      ['  - colour (line 5): unknown key (allowed: tenants, timeline, loop, pages)'],
    ],
    ['no tenant', 'tenants: []\n', ['  - tenants (line 1): expected at least one tenant']],
    [
      'missing key',
      'tenants:\n  - name: contoso\n    clients: []\n',
      [
        '  - tenants[0].tenant_id (line 2): is required',
        '  - tenants[0].clients (line 3): expected at least one client',
      ],
    ],
    [
      'bad GUID',
      HEAD.replace('11111111-1111-1111-1111-111111111111', 'contoso'),
      ["  - tenants[0].tenant_id (line 3): expected a GUID, got 'contoso'"],
    ],
    [
      'wrong type',
      `${HEAD.replace('client_secret: s }', 'client_secret: s, expired: "no" }')}`,
      ['  - tenants[0].clients[0].expired (line 4): expected true or false'],
    ],
    [
      'bad duration',
      `${HEAD}    token_lifetime: 10 minutes\n`,
      ["  - tenants[0].token_lifetime (line 5): expected a duration like 30s, 5m or 1h30m, got '10 minutes'"],
    ],
    [
      'unknown service id',
      `${HEAD}    services: [Exchange, exchange, Nope]\n`,
      [
        "  - tenants[0].services[1] (line 5): unknown service id 'exchange' (did you mean 'Exchange'?)",
        "  - tenants[0].services[2] (line 5): unknown service id 'Nope'",
      ],
    ],
    [
      'unknown status',
      `${HEAD}    issues: [{ id: EX1, service: Exchange, title: t, status: broken }]\n`,
      [
        "  - tenants[0].issues[0].status (line 5): unknown value 'broken' (expected one of: serviceOperational, investigating, restoringService, verifyingService, serviceRestored, postIncidentReviewPublished, serviceDegradation, serviceInterruption, extendedRecovery, falsePositive, investigationSuspended, resolved, mitigatedExternal, mitigated, resolvedExternal, confirmed, reported)",
      ],
    ],
    [
      'bad start',
      `${HEAD}    issues: [{ id: EX1, service: Exchange, title: t, start: yesterday }]\n`,
      [
        "  - tenants[0].issues[0].start (line 5): expected an offset like -2h or an ISO 8601 date-time, got 'yesterday'",
      ],
    ],
    [
      'issue of a service the tenant lacks',
      `${HEAD}    services: [Exchange]\n    issues: [{ id: SP1, service: SharePoint, title: t }]\n`,
      ["  - tenants[0].issues[0].service (line 6): service 'SharePoint' is not among the services of tenant 'contoso'"],
    ],
    [
      'two actions in one entry',
      `${HEAD}timeline:\n  - { at: 5s, open: { id: TM1, service: microsoftteams, title: x }, resolve: { id: TM1 } }\n`,
      ['  - timeline[0] (line 6): expected exactly one of open, update, resolve (found 2)'],
    ],
    [
      'update before open',
      `${HEAD}timeline:\n  - { at: 5s, update: { id: TM1 } }\n  - { at: 9s, open: { id: TM1, service: microsoftteams, title: x } }\n`,
      ["  - timeline[0].update.id (line 6): issue 'TM1' is not opened before this point in tenant 'contoso'"],
    ],
    [
      'unknown tenant and entry after the loop',
      `${HEAD}timeline:\n  - { at: 5m, tenant: fabrikam, open: { id: TM1, service: microsoftteams, title: x } }\nloop: 3m\n`,
      [
        '  - timeline[0].at (line 6): must be before the end of the loop (180s)',
        "  - timeline[0].tenant (line 6): unknown tenant 'fabrikam'",
      ],
    ],
    [
      'duplicate ids',
      `${HEAD}    issues: [{ id: EX1, service: Exchange, title: t }, { id: EX1, service: Exchange, title: u }]\n`,
      ["  - tenants[0].issues[1].id (line 5): duplicate issue id 'EX1'"],
    ],
    ['bad pages', `${HEAD}pages: 0\n`, ['  - pages (line 5): expected a positive integer']],
  ];
  for (const [rule, text, expected] of rules) {
    test(`rejects ${rule}`, () => assert.deepEqual(problems(text), expected));
  }

  test('reports every structural problem at once, in file order', () => {
    const text = `${HEAD.replace('client_secret: s }', 'client_secret: 5 }')}    extra: 1\n    token_lifetime: soon\n`;
    assert.deepEqual(problems(text), [
      '  - tenants[0].clients[0].client_secret (line 4): expected a non-empty string',
      '  - tenants[0].extra (line 5): unknown key (allowed: name, tenant_id, domain, clients, token_lifetime, services, issues, messages, applications, customers)',
      "  - tenants[0].token_lifetime (line 6): expected a duration like 30s, 5m or 1h30m, got 'soon'",
    ]);
  });
});

describe('scenario loading', () => {
  test('applies defaults and normalises', () => {
    const scenario = parseScenario(
      `${HEAD}    issues: [{ id: EX1, service: Exchange, title: t, status: serviceRestored, start: 2025-01-01T00:00:00Z }]\n`,
    );
    const tenant = scenario.tenants[0];
    assert.deepEqual(tenant.services, DEFAULT_SERVICE_IDS);
    assert.equal(tenant.tokenLifetimeSeconds, 3599);
    assert.deepEqual(tenant.clients[0], {
      clientId: '22222222-2222-2222-2222-222222222222',
      clientSecret: 's',
      expired: false,
      blocked: false,
      permission: true,
      messagePermission: true,
      applicationPermission: true,
      partnerPermission: true,
    });
    const issue = tenant.issues[0];
    assert.deepEqual(
      [issue.classification, issue.origin, issue.isResolved, issue.impactDescription],
      ['advisory', 'microsoft', true, 't'],
    );
    assert.deepEqual(issue.start, { kind: 'absolute', ms: Date.parse('2025-01-01T00:00:00Z') });
    assert.equal(scenario.loopMs, undefined);
  });

  test('parses durations', () => {
    assert.deepEqual(
      ['30s', '1h30m', '500ms', '2d', '1.5s'].map((d) => parseDuration(d)),
      [30_000, 5_400_000, 500, 172_800_000, 1500],
    );
    assert.equal(parseDuration('-2h', true), -7_200_000);
    assert.equal(parseDuration('-2h'), undefined);
    assert.equal(parseDuration('30'), undefined);
  });

  test('the embedded demo and the small test scenario load', async () => {
    const demo = await loadDefaultScenario();
    assert.deepEqual(
      demo.tenants.map((t) => t.name),
      ['contoso', 'fabrikam'],
    );
    assert.equal(demo.tenants[0].services.length, 27);
    assert.equal(demo.loopMs, 180_000);
    const basic = await loadScenario(new URL('../../../config/scenarios/test-basic.yaml', import.meta.url));
    assert.deepEqual(basic.tenants[0].services, ['Exchange', 'microsoftteams', 'SharePoint', 'OSDPPlatform']);
  });

  test('a missing or invalid file is SCENARIO_INVALID naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'm365-scenario-'));
    try {
      await assert.rejects(loadScenario(join(dir, 'none.yaml')), {
        code: 'SCENARIO_INVALID',
        message: /^Cannot read scenario .*none\.yaml/,
      });
      const file = join(dir, 'bad.yaml');
      await writeFile(file, 'tenants: 3\n');
      await assert.rejects(loadScenario(file), {
        code: 'SCENARIO_INVALID',
        message: `Invalid scenario ${file}:\n  - tenants (line 1): expected a list`,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
