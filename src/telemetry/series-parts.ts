import type { Attributes } from '@opentelemetry/api';
import type { TenantConfig } from '../config/types.ts';
import type { CredentialKind } from '../health/credential-expiry.ts';
import type { FeatureView, ServiceView } from '../health/evaluate.ts';
import { STATE_SET_STATUSES } from '../health/status.ts';
import { Interner } from '../health/interner.ts';
import type { AttributeParts } from './otlp/metrics-encoder.ts';
import * as sc from '../catalogue/semconv.ts';

/** The classifications `m365.service.issues` counts, one series each. */
export const CLASSIFICATIONS = ['incident', 'advisory'] as const;

/**
 * The attribute parts of the gauges' series (see {@link AttributeParts}), made once and shared for as long as the
 * instruments that observe them: the encoder keeps each part's encoding while the part is the same object, so a
 * part made anew at every collection would be encoded anew too. That is this class's promise to the encoder: the
 * same values give the same part. It finds a view's parts by the view's values, never by the view object, so it
 * holds whatever the observations' views are made of.
 */
export class SeriesParts {
  /** One frozen copy of each part met: service, state and feature parts repeat in every tenant. */
  readonly #parts = new Interner<Readonly<Attributes>>();
  /** The tenant's identity part of its series, one frozen object per tenant configuration. */
  readonly #tenants = new WeakMap<TenantConfig, AttributeParts>();
  /** Service parts by id, feature parts by group: found at every collection by values, no key string made. */
  readonly #services = new Map<string, Readonly<Attributes>>();
  readonly #features = new Map<string, Readonly<Attributes>>();
  /** The `m365.service.status` part of each state, in the order of {@link STATE_SET_STATUSES}. */
  readonly states: readonly Readonly<Attributes>[];
  /** The `m365.issue.classification` part of each of {@link CLASSIFICATIONS}, in that order. */
  readonly classifications: readonly Readonly<Attributes>[];
  /** The `m365.credential.kind` part of each kind of credential. */
  readonly credentialKinds: Readonly<Record<CredentialKind, Readonly<Attributes>>>;

  constructor() {
    this.states = STATE_SET_STATUSES.map((state) => this.#part(sc.ATTR_SERVICE_STATE, state));
    this.classifications = CLASSIFICATIONS.map((classification) =>
      this.#part(sc.ATTR_ISSUE_CLASSIFICATION, classification),
    );
    this.credentialKinds = {
      certificate: this.#part(sc.ATTR_CREDENTIAL_KIND, 'certificate'),
      secret: this.#part(sc.ATTR_CREDENTIAL_KIND, 'secret'),
    };
  }

  /**
   * The tenant's name, as the one part of its own series. Unique in a configuration, it is all a series needs to be
   * told apart (Datadog does not tag from resource attributes, so it is on the point); its id, a GUID or a domain that
   * no dashboard groups by, would be a third of the bytes of most points, and is in every event instead.
   */
  tenant(tenant: TenantConfig): AttributeParts {
    let part = this.#tenants.get(tenant);
    if (part === undefined) {
      part = [this.#part(sc.ATTR_TENANT_NAME, tenant.name)];
      this.#tenants.set(tenant, part);
    }
    return part;
  }

  /** The service's id and name. */
  service(view: ServiceView): Readonly<Attributes> {
    const part = this.#services.get(view.id);
    if (part !== undefined && part[sc.ATTR_SERVICE_NAME] === view.name) return part;
    return remember(this.#services, view.id, this.#part(sc.ATTR_SERVICE_ID, view.id, sc.ATTR_SERVICE_NAME, view.name));
  }

  /** The feature's group and name (a feature is named by its group). */
  feature({ group }: FeatureView): Readonly<Attributes> {
    return (
      this.#features.get(group) ??
      remember(this.#features, group, this.#part(sc.ATTR_FEATURE_GROUP, group, sc.ATTR_FEATURE_NAME, group))
    );
  }

  /** The shared part `{ [k1]: v1 }`, or `{ [k1]: v1, [k2]: v2 }`. */
  #part(k1: string, v1: string, k2?: string, v2?: string): Readonly<Attributes> {
    const key = k2 === undefined ? `${k1}\u0000${v1}` : `${k1}\u0000${v1}\u0000${k2}\u0000${v2}`;
    return this.#parts.intern(key, () => (k2 === undefined ? { [k1]: v1 } : { [k1]: v1, [k2]: v2! }));
  }
}

/** Past this many parts a table starts over, as an interner does: a long run does not keep every name it met. */
const TABLE_LIMIT = 10_000;

function remember(table: Map<string, Readonly<Attributes>>, key: string, part: Readonly<Attributes>) {
  if (table.size >= TABLE_LIMIT) table.clear();
  table.set(key, part);
  return part;
}
