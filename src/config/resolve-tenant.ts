import { CLOUD_ENDPOINTS, CLOUD_NAMES } from './clouds.ts';
import { checkEndpointUrl } from './check-url.ts';
import { resolveCredential } from './credentials.ts';
import { isPlainObject, quoteValue } from './describe-value.ts';
import { isDomainName, isGuid, isTenantName } from './identifiers.ts';
import { POLL_DEFAULTS, resolvePollTiming } from './poll-timing.ts';
import type { PollTiming } from './poll-timing.ts';
import { reportProblem } from './problems.ts';
import type { ProblemSink } from './problems.ts';
import { sectionOf } from './setting.ts';
import type { CloudName, Endpoints, TenantConfig } from './types.ts';
import type { PathSegment } from './yaml-path.ts';

/** What a tenant inherits from the `defaults` section. */
export interface TenantDefaults {
  timing: PollTiming;
  cloud: CloudName;
}

const IDENTIFIERS: readonly { key: string; valid: (text: string) => boolean; problem: string }[] = [
  {
    key: 'name',
    valid: isTenantName,
    problem:
      'is not a valid tenant name: use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  },
  {
    key: 'tenant_id',
    valid: (text) => isGuid(text) || isDomainName(text),
    problem: 'is neither a GUID nor a domain name such as contoso.onmicrosoft.com',
  },
  { key: 'client_id', valid: isGuid, problem: 'is not a GUID (the application (client) ID of the app registration)' },
];

/** Resolves `tenants[index]`; `undefined` when it is not a mapping (the schema check reported that). */
export function resolveTenant(
  raw: unknown,
  index: number,
  defaults: TenantDefaults,
  sink: ProblemSink,
): TenantConfig | undefined {
  if (!isPlainObject(raw)) return undefined;
  const at = ['tenants', index];
  for (const { key, valid, problem } of IDENTIFIERS) {
    const value = raw[key];
    if (typeof value === 'string' && value !== '' && !valid(value)) {
      reportProblem(sink, [...at, key], `${quoteValue(value)} ${problem}`);
    }
  }
  const cloud = cloudOf(raw['cloud'], defaults.cloud);
  const timing = resolvePollTiming(raw, at, defaults.timing, sink);
  return {
    name: stringOr(raw['name']),
    tenantId: stringOr(raw['tenant_id']),
    clientId: stringOr(raw['client_id']),
    clientSecret: resolveCredential(raw, at, sink).clientSecret,
    cloud,
    endpoints: resolveEndpoints(raw['endpoints'], [...at, 'endpoints'], CLOUD_ENDPOINTS[cloud], sink),
    intervalMs: timing.interval.ms ?? POLL_DEFAULTS.intervalMs,
    timeoutMs: timing.timeout.ms ?? POLL_DEFAULTS.timeoutMs,
  };
}

/** The cloud named by `value` when it is one, else `fallback` (the schema check reported anything else). */
export function cloudOf(value: unknown, fallback: CloudName): CloudName {
  return CLOUD_NAMES.find((name) => name === value) ?? fallback;
}

/** The tenant's login and Graph URLs: those written under `endpoints`, else those of its cloud. */
function resolveEndpoints(
  raw: unknown,
  at: readonly PathSegment[],
  cloud: Endpoints,
  sink: ProblemSink,
): Endpoints {
  const section = sectionOf(raw);
  const read = (key: 'login' | 'graph'): string => {
    const value = section[key];
    if (typeof value !== 'string' || value === '') return cloud[key];
    const checked = checkEndpointUrl(value);
    if (checked.ok) return checked.url;
    reportProblem(sink, [...at, key], checked.message);
    return cloud[key];
  };
  return { login: read('login'), graph: read('graph') };
}

function stringOr(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
