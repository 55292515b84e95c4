import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AcceptedAssertion } from './client-assertion.ts';
import { currentState, type SimContext } from './context.ts';
import { FaultQueue, type Fault, type FaultHandle } from './faults.ts';
import { buildOpenEvent, buildOverrideEvent, buildPatchEvent, type OpenIssueInput } from './manual-api.ts';
import { requireTenant } from './manual-api.ts';
import { createRequestHandler, type RecordedRequest } from './request-handler.ts';
import { ScenarioIndex } from './scenario-index.ts';
import type { IssuePatch, Scenario } from './scenario-schema.ts';
import type { TenantState } from './derive-state.ts';
import { TokenStore } from './tokens.ts';

export interface SimulatorOptions {
  readonly scenario: Scenario;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** ms since epoch; default `Date.now`. Drives the timeline, token expiry and all dates. */
  readonly clock?: () => number;
  /** Default page size of Graph collections; default 100 like Graph. */
  readonly pageSize?: number;
  /** Spell enumerations in PascalCase like Microsoft's docs instead of camelCase like live Graph. */
  readonly pascalCase?: boolean;
}

/** A running simulator: Entra's login endpoints and Graph's service communications API on one origin. */
export interface Simulator {
  /** `http://127.0.0.1:PORT`: the login base (`{url}/{tenant}/…`) and the Graph base (`{url}/v1.0/…`). */
  readonly url: string;
  readonly scenario: Scenario;
  /** Start of the timeline, by the clock. */
  readonly startedAt: number;
  /** Every request received, oldest first (the last 10,000). */
  readonly requests: readonly RecordedRequest[];
  /** Client assertions (certificate or federated) accepted at the token endpoint, oldest first. */
  readonly assertions: readonly AcceptedAssertion[];
  /** Opens an issue now; returns its id. Tenants are named by scenario name, GUID or domain. */
  openIssue(tenant: string, issue: OpenIssueInput): string;
  updateIssue(tenant: string, id: string, patch: IssuePatch): void;
  resolveIssue(tenant: string, id: string, patch?: IssuePatch): void;
  /** Forces a service's status (null goes back to the status derived from its issues). */
  setServiceStatus(tenant: string, serviceId: string, status: string | null): void;
  injectFault(fault: Fault): FaultHandle;
  clearFaults(): void;
  /** Makes every token issued so far (for one tenant, or all) expire now. */
  expireTokens(tenant?: string): void;
  /** The access tokens issued and still remembered, so that tests can prove none of them leaks into output. */
  issuedTokens(): readonly string[];
  /** What a tenant shows now. */
  state(tenant: string): TenantState;
  close(): Promise<void>;
}

const MAX_RECORDED = 10_000;

/** Starts the simulator on `host:port` and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const ctx = createContext(options);
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  const held = new Set<ServerResponse>();
  const record = (request: RecordedRequest): void => {
    requests.push(request);
    if (requests.length > MAX_RECORDED) requests.shift();
  };
  const hold = (res: ServerResponse): void => {
    held.add(res);
    res.on('close', () => held.delete(res));
  };
  const server = createServer(createRequestHandler({ ctx, faults, record, hold }));
  await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
  ctx.url = baseUrl(server.address() as AddressInfo);
  return buildSimulator(ctx, faults, requests, () => closeServer(server, held));
}

function createContext(options: SimulatorOptions): SimContext {
  const clock = options.clock ?? Date.now;
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  }
  return {
    scenario: options.scenario,
    index: new ScenarioIndex(options.scenario),
    clock,
    startMs: clock(),
    tokens: new TokenStore(),
    assertions: [],
    seenAssertions: new Map(),
    manual: [],
    pageSize,
    style: { pascalCase: options.pascalCase ?? false },
    url: '',
  };
}

function buildSimulator(
  ctx: SimContext,
  faults: FaultQueue,
  requests: RecordedRequest[],
  closeOnce: () => Promise<void>,
): Simulator {
  const nameOf = (tenant: string | undefined) => (tenant === undefined ? undefined : requireTenant(ctx, tenant).name);
  let closing: Promise<void> | undefined;
  return {
    url: ctx.url,
    scenario: ctx.scenario,
    startedAt: ctx.startMs,
    requests,
    assertions: ctx.assertions,
    openIssue: (tenant, issue) => {
      const event = buildOpenEvent(ctx, tenant, issue);
      ctx.manual.push(event);
      return event.issue.id;
    },
    updateIssue: (tenant, id, patch) => void ctx.manual.push(buildPatchEvent(ctx, 'update', tenant, id, patch)),
    resolveIssue: (tenant, id, patch = {}) => void ctx.manual.push(buildPatchEvent(ctx, 'resolve', tenant, id, patch)),
    setServiceStatus: (tenant, id, status) => void ctx.manual.push(buildOverrideEvent(ctx, tenant, id, status)),
    injectFault: (fault) => faults.add(fault, nameOf(fault.tenant)),
    clearFaults: () => faults.clear(),
    expireTokens: (tenant) => ctx.tokens.expire(ctx.clock(), nameOf(tenant)),
    issuedTokens: () => ctx.tokens.issued(),
    state: (tenant) => currentState(ctx, requireTenant(ctx, tenant).name),
    close: () => (closing ??= closeOnce()),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The URL clients use: a wildcard listen address is reached through the loopback. */
function baseUrl(address: AddressInfo): string {
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

function closeServer(server: Server, held: Set<ServerResponse>): Promise<void> {
  for (const res of held) res.destroy();
  held.clear();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
