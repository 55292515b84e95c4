import type { JsonWebKey } from 'node:crypto';

/**
 * The validated, normalised form of a simulator scenario: durations in milliseconds, camelCase fields named
 * like Graph's, defaults applied. Produced by `parseScenario`, consumed by the state derivation and the server.
 */

/** A point in time: an offset from the simulator's start, or an absolute instant (ms since epoch). */
export interface TimePoint {
  readonly kind: 'offset' | 'absolute';
  /** Offset from the start, or ms since epoch. */
  readonly ms: number;
}

/** An app registration allowed to get tokens in a tenant. */
export interface ScenarioClient {
  readonly clientId: string;
  /** Not a real credential: a value written in the scenario file; empty when the app has no secret. */
  readonly clientSecret: string;
  /** PEM of the certificate registered on the app: client assertions must be signed by its key. */
  readonly certificate?: string;
  /** The federated credential registered on the app: which external tokens it accepts as assertions. */
  readonly federated?: FederatedRegistration;
  /** Conditional Access blocks the app: token requests fail with AADSTS53003. */
  readonly blocked?: boolean;
  /** The secret has expired: token requests fail with AADSTS7000222. */
  readonly expired: boolean;
  /** Whether the app has ServiceHealth.Read.All; without it Graph answers 403. */
  readonly permission: boolean;
  /** Whether the app has ServiceMessage.Read.All; without it the message center answers 403. */
  readonly messagePermission: boolean;
}

/** A federated identity credential: an external issuer's token with this subject and audience stands for the app. */
export interface FederatedRegistration {
  readonly issuer: string;
  readonly subject: string;
  readonly audience: string;
  /** The issuer's public signing keys (what its `jwks_uri` would serve). */
  readonly keys: readonly JsonWebKey[];
}

/** Fields an issue is opened with (the initial state of a timeline or programmatic issue). */
export interface IssueFields {
  readonly id: string;
  /** Catalogue service id, e.g. `Exchange`. */
  readonly service: string;
  readonly classification: string;
  readonly status: string;
  readonly origin: string;
  readonly title: string;
  readonly impactDescription: string;
  readonly feature: string | null;
  readonly featureGroup: string | null;
  /** Text of the first post; the `Title:`/`User Impact:` header is added. */
  readonly post: string | undefined;
}

/** Changes to an open issue; absent fields keep their value. */
export interface IssuePatch {
  readonly classification?: string;
  readonly status?: string;
  readonly title?: string;
  readonly impactDescription?: string;
  readonly feature?: string | null;
  readonly featureGroup?: string | null;
  /** Text of a new post (`Current status: …` or, on resolution, `Final status: …`). */
  readonly post?: string;
}

/** An issue present when the simulator starts, possibly long resolved. */
export interface ScenarioIssue extends IssueFields {
  readonly start: TimePoint;
  readonly end: TimePoint | undefined;
  readonly isResolved: boolean;
  /** Post texts; the first is dated at `start`, the last at `end` when there is one. */
  readonly posts: readonly string[];
}

export interface ScenarioTenant {
  /** Label used in the scenario, the banner and the request log. */
  readonly name: string;
  /** Tenant GUID (lower case). */
  readonly tenantId: string;
  /** Initial domain alias, e.g. `contoso.onmicrosoft.com`. */
  readonly domain: string | undefined;
  readonly clients: readonly ScenarioClient[];
  /** `expires_in` of issued tokens, seconds. */
  readonly tokenLifetimeSeconds: number;
  /** Catalogue ids of the services this tenant reports, in order. */
  readonly services: readonly string[];
  readonly issues: readonly ScenarioIssue[];
  /** Message-center posts, each shown from its `start`. */
  readonly messages: readonly ScenarioMessage[];
}

/** A message-center post (`serviceUpdateMessage`). */
export interface ScenarioMessage {
  /** `MC…`. */
  readonly id: string;
  readonly title: string;
  /** preventOrFixIssue, planForChange or stayInformed. */
  readonly category: string;
  /** normal, high or critical. */
  readonly severity: string;
  /** Catalogue ids of the services concerned (shown by display name). */
  readonly services: readonly string[];
  readonly tags: readonly string[];
  readonly isMajorChange: boolean;
  readonly actionRequiredBy: TimePoint | undefined;
  /** When it is published: the message is listed from then on. */
  readonly start: TimePoint;
  readonly end: TimePoint | undefined;
  /** When it is updated: its `lastModifiedDateTime` moves from `start` to this instant once it has passed. */
  readonly modified: TimePoint | undefined;
  /** HTML body. */
  readonly body: string;
}

export type TimelineAction =
  | { readonly type: 'open'; readonly issue: IssueFields }
  | { readonly type: 'update'; readonly id: string; readonly patch: IssuePatch }
  | { readonly type: 'resolve'; readonly id: string; readonly patch: IssuePatch };

export interface TimelineEntry {
  /** Offset from the start of the (current) cycle, ms. */
  readonly atMs: number;
  /** Tenant names this entry applies to. */
  readonly tenants: readonly string[];
  readonly action: TimelineAction;
}

export interface Scenario {
  readonly tenants: readonly ScenarioTenant[];
  readonly timeline: readonly TimelineEntry[];
  /** Period of the timeline, ms; undefined plays it once. */
  readonly loopMs: number | undefined;
  /** Splits every collection into at least this many pages. */
  readonly pages: number | undefined;
}
