import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLOUD_ENDPOINTS } from '../../../src/config/index.ts';
import { Secret } from '../../../src/shared/secret.ts';
import type { TenantConfig } from '../../../src/config/types.ts';
import type { IssueUpdate } from '../../../src/health/issue-updates.ts';
import type { MessageUpdate } from '../../../src/health/messages.ts';
import { issueUpdateRecord, messageUpdateRecord } from '../../../src/telemetry/events.ts';
import { makeIssue } from '../../helpers/make-services.ts';

function tenant(name: string, tenantId: string): TenantConfig {
  return {
    name,
    tenantId,
    clientId: '11111111-2222-3333-4444-555555555555',
    clientSecret: new Secret('s'),
    cloud: 'global',
    endpoints: CLOUD_ENDPOINTS.global,
    intervalMs: 60_000,
    timeoutMs: 30_000,
  };
}

const contoso = tenant('contoso', '11111111-1111-1111-1111-111111111111');
const fabrikam = tenant('fabrikam', '33333333-3333-3333-3333-333333333333');

test('one Microsoft-wide issue seen by two tenants whose histories began at the same instant: two ids', () => {
  const update: IssueUpdate = {
    kind: 'issue_update',
    update: 'opened',
    serviceId: 'Exchange',
    serviceName: 'Exchange Online',
    previous: undefined,
    eventId: '1764583200000/i1/EX1@2026-12-01T10:00:00Z:incident:serviceDegradation:open',
    at: 1,
    issue: makeIssue({ title: 't', startDateTime: undefined, lastModifiedDateTime: '2026-12-01T10:00:00Z' }),
  };
  assert.equal(
    issueUpdateRecord(contoso, update).attributes?.['m365.event.id'],
    `11111111-1111-1111-1111-111111111111/${update.eventId}`,
  );
  assert.equal(
    issueUpdateRecord(fabrikam, update).attributes?.['m365.event.id'],
    `33333333-3333-3333-3333-333333333333/${update.eventId}`,
  );
});

test('message updates are qualified by the tenant the same way', () => {
  const update: MessageUpdate = {
    kind: 'message_update',
    update: 'published',
    eventId: '1764583200000/m1/MC1@a',
    at: 1,
    message: {
      id: 'MC1',
      title: 't',
      category: 'stayInformed',
      severity: 'normal',
      services: [],
      tags: [],
      isMajorChange: false,
      actionRequiredByDateTime: undefined,
      startDateTime: undefined,
      endDateTime: undefined,
      lastModifiedDateTime: 'a',
      body: '',
    },
  };
  assert.equal(
    messageUpdateRecord(fabrikam, update).attributes?.['m365.event.id'],
    '33333333-3333-3333-3333-333333333333/1764583200000/m1/MC1@a',
  );
});
