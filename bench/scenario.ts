import { DEFAULT_SERVICE_IDS, parseScenario, SERVICE_CATALOGUE } from '../src/simulator/index.ts';
import type { Scenario, ScenarioTenant } from '../src/simulator/index.ts';

/** Client credentials of the bench's multi-tenant app: fixed values, not secrets. */
export const BENCH_CLIENT_ID = '0b0b0b0b-1111-4222-8333-444444444444';
export const BENCH_CLIENT_SECRET = 'bench-secret';

export interface BenchScenarioOptions {
  readonly tenants: number;
  /** Open (unresolved) issues per tenant. */
  readonly open?: number;
  /** Resolved issues per tenant (Graph keeps weeks of history). */
  readonly resolved?: number;
  /** Share of tenants hit by an incident that opens, updates and resolves while the bench runs. */
  readonly stormShare?: number;
}

/** Distinct issue histories; tenant i gets history i mod this (tenants differ, without a scenario of GBs). */
const TEMPLATES = 16;

/** The name of bench tenant `index`. */
export function benchTenantName(index: number): string {
  return `tenant-${String(index).padStart(5, '0')}`;
}

/** The tenant GUID of bench tenant `index`. */
export function benchTenantId(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

const SENTENCE =
  'Users may be unable to access some features of the service or may experience delays when performing ' +
  'common actions; we are reviewing service telemetry and recent deployments to isolate the root cause.';

function issueYaml(id: string, service: string, fields: Record<string, string>, posts: string[]): string {
  const lines = [`      - id: ${id}`, `        service: ${service}`];
  for (const [key, value] of Object.entries(fields)) lines.push(`        ${key}: ${JSON.stringify(value)}`);
  lines.push(`        posts: [${posts.map((p) => JSON.stringify(p)).join(', ')}]`);
  return lines.join('\n');
}

function serviceAt(index: number): { id: string; group: string } {
  const service = SERVICE_CATALOGUE[index % SERVICE_CATALOGUE.length];
  return { id: service.id, group: service.featureGroups[index % service.featureGroups.length] };
}

function templateIssues(template: number, open: number, resolved: number): string[] {
  const issues: string[] = [];
  for (let j = 0; j < open; j++) {
    const { id, group } = serviceAt(template * 3 + j * 5);
    const incident = j === 0 && template % 4 === 0;
    const fields = {
      classification: incident ? 'incident' : 'advisory',
      status: j % 2 === 0 ? 'serviceDegradation' : 'investigating',
      feature_group: group,
      title: `Some users may see delays or errors in ${group}`,
      impact: SENTENCE,
      start: `-${j + 2}h`,
    };
    const prefix = SERVICE_CATALOGUE.find((s) => s.id === id)!.issuePrefix;
    issues.push(
      issueYaml(`${prefix}${700000 + template * 100 + j}`, id, fields, [
        SENTENCE,
        `We are still investigating. ${SENTENCE}`,
      ]),
    );
  }
  for (let j = 0; j < resolved; j++) {
    const { id, group } = serviceAt(template * 7 + j);
    const fields = {
      classification: j % 3 === 0 ? 'incident' : 'advisory',
      status: 'serviceRestored',
      feature_group: group,
      title: `Users were unable to use ${group} features`,
      impact: SENTENCE,
      start: `-${j + 1}d`,
      end: `-${j}d20h`,
    };
    const prefix = SERVICE_CATALOGUE.find((s) => s.id === id)!.issuePrefix;
    issues.push(
      issueYaml(`${prefix}${800000 + template * 100 + j}`, id, fields, [
        SENTENCE,
        `We rolled back the change. ${SENTENCE}`,
        `The issue is resolved. ${SENTENCE}`,
      ]),
    );
  }
  return issues;
}

function templateYaml(open: number, resolved: number): string {
  const tenants = Array.from({ length: TEMPLATES }, (_, k) =>
    [
      `  - name: template-${k}`,
      `    tenant_id: ${benchTenantId(k)}`,
      `    clients: [{ client_id: ${BENCH_CLIENT_ID}, client_secret: ${BENCH_CLIENT_SECRET} }]`,
      '    services: default',
      '    issues:',
      ...templateIssues(k, open, resolved),
    ].join('\n'),
  );
  const storm = [
    '  - { at: 60s, tenant: template-0, open: { id: TM990001, service: microsoftteams, classification: incident, status: serviceDegradation, title: Users cannot join meetings, post: "We are investigating." } }',
    '  - { at: 120s, tenant: template-0, update: { id: TM990001, post: "We have identified a recent change as the cause." } }',
    '  - { at: 240s, tenant: template-0, resolve: { id: TM990001, post: "We reverted the change; service is restored." } }',
  ];
  return ['tenants:', ...tenants, 'timeline:', ...storm, 'loop: 600s', ''].join('\n');
}

/**
 * A scenario of `tenants` tenants reporting the whole catalogue (27 services), each with a few open issues and
 * weeks of resolved ones, and an incident that hits a share of the tenants while the bench runs.
 */
export function buildBenchScenario(options: BenchScenarioOptions): Scenario {
  const template = parseScenario(templateYaml(options.open ?? 3, options.resolved ?? 30), 'bench');
  const tenants: ScenarioTenant[] = [];
  for (let i = 0; i < options.tenants; i++) {
    const model = template.tenants[i % TEMPLATES];
    tenants.push({
      ...model,
      name: benchTenantName(i),
      tenantId: benchTenantId(i),
      domain: undefined,
      services: DEFAULT_SERVICE_IDS,
    });
  }
  const every = Math.max(1, Math.round(1 / (options.stormShare ?? 0.1)));
  const stormed = tenants.filter((_, i) => i % every === 0).map((t) => t.name);
  const timeline = template.timeline.map((entry) => ({ ...entry, tenants: stormed }));
  return { ...template, tenants, timeline };
}
