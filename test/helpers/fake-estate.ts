import type { TenantConfig } from '../../src/config/types.ts';
import { M365Error } from '../../src/errors.ts';
import type { ServiceView } from '../../src/health/evaluate.ts';
import type { Health } from '../../src/health/model.ts';
import type { Observation } from '../../src/observation/observation.ts';
import { Secret } from '../../src/shared/secret.ts';
import { makeIssue } from './make-services.ts';

/** 27 service ids and names, as many as the simulator's default tenant shows. */
export const ESTATE_SERVICES: readonly { id: string; name: string }[] = [
  { id: 'Exchange', name: 'Exchange Online' },
  { id: 'microsoftteams', name: 'Microsoft Teams' },
  { id: 'SharePoint', name: 'SharePoint Online' },
  { id: 'OneDriveForBusiness', name: 'OneDrive for Business' },
  { id: 'Intune', name: 'Microsoft Intune' },
  { id: 'PowerBIcom', name: 'Power BI' },
  { id: 'Forms', name: 'Microsoft Forms' },
  { id: 'Planner', name: 'Planner' },
  { id: 'Lync', name: 'Skype for Business' },
  { id: 'yammer', name: 'Microsoft Viva Engage' },
  { id: 'DynamicsCRM', name: 'Dynamics 365 Apps' },
  { id: 'PowerApps', name: 'Power Apps' },
  { id: 'MicrosoftFlow', name: 'Power Automate' },
  { id: 'Bookings', name: 'Microsoft Bookings' },
  { id: 'Stream', name: 'Microsoft Stream' },
  { id: 'SwayEnterprise', name: 'Sway' },
  { id: 'OrgLiveID', name: 'Identity Service' },
  { id: 'O365Client', name: 'Microsoft 365 apps' },
  { id: 'OfficeOnline', name: 'Office for the web' },
  { id: 'ProjectForTheWeb', name: 'Project for the web' },
  { id: 'MicrosoftDefenderATP', name: 'Microsoft Defender for Endpoint' },
  { id: 'cloudappsecurity', name: 'Microsoft Defender for Cloud Apps' },
  { id: 'MicrosoftPurview', name: 'Microsoft Purview' },
  { id: 'Viva', name: 'Microsoft Viva' },
  { id: 'Windows365', name: 'Windows 365' },
  { id: 'M365Copilot', name: 'Microsoft 365 Copilot' },
  { id: 'MicrosoftEntra', name: 'Microsoft Entra' },
];

const DAY_MS = 86_400_000;

/** A tenant's settings, for an estate. */
export function estateTenant(index: number): TenantConfig {
  return {
    name: `customer-${String(index).padStart(5, '0')}`,
    tenantId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    clientId: 'app',
    clientSecret: new Secret('never-shown-secret'),
    cloud: 'global',
    endpoints: { login: 'https://login.example.test', graph: 'https://graph.example.test' },
    intervalMs: 60_000,
    timeoutMs: 10_000,
  };
}

function view(index: number, health: Health, issues: ServiceView['openIssues'] = []): ServiceView {
  const { id, name } = ESTATE_SERVICES[index];
  const status = health === 0 ? 'serviceOperational' : health === 2 ? 'serviceInterruption' : 'serviceDegradation';
  return Object.freeze({ id, name, status, rawStatus: status, health, openIssues: issues, features: [] });
}

/**
 * `count` tenants polled at `now`, the way an estate looks: every 10th sees the Teams incident TM1 (critical), every
 * 7th the Exchange advisory EX2 (warning), every 50th failed its last poll (its data from 4 intervals before: unknown),
 * every 40th signs in with a certificate ending in 10 days; the others' certificates end in a year, or they use a secret.
 */
export function fakeEstate(count: number, now: number): Observation[] {
  const incident = makeIssue({
    id: 'TM1',
    title: 'Calls drop',
    classification: 'incident',
    status: 'serviceInterruption',
  });
  const advisory = makeIssue({ id: 'EX2', title: 'Mail delayed', classification: 'advisory' });
  const quiet = ESTATE_SERVICES.map((_, index) => view(index, 0));
  const teamsDown = view(1, 2, [Object.freeze({ ...incident, service: 'microsoftteams' })]);
  const mailSlow = view(0, 1, [Object.freeze({ ...advisory, service: 'Exchange' })]);
  return Array.from({ length: count }, (_, index) => {
    const views = [...quiet];
    if (index % 10 === 0) views[1] = teamsDown;
    if (index % 7 === 0) views[0] = mailSlow;
    const failing = index % 50 === 0;
    return Object.freeze({
      tenant: estateTenant(index),
      outcome: failing ? { ok: false, error: new M365Error('GRAPH_THROTTLED', 'Graph answered 429') } : { ok: true },
      polledAt: now - 1_000,
      pollDurationMs: 200,
      lastSuccessAt: failing ? now - 4 * 60_000 : now - 1_000,
      views,
      tokenExpiresAt: now + 3_600_000,
      credentialExpiresAt: index % 40 === 0 ? now + 10 * DAY_MS : index % 2 === 0 ? now + 365 * DAY_MS : undefined,
    } satisfies Observation);
  });
}
