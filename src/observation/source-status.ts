/**
 * A `tenants_from` source listed from Graph (a partner tenant's delegated admin customers) as discovery keeps it and
 * the status endpoint shows it; times in ms since the epoch.
 */
export interface SourceStatus {
  /** Where it is written: `tenants_from[2]`. */
  readonly source: string;
  /** The partner tenant listed. */
  readonly partner: string;
  /** The customers of its last good list (the tenants it gives); undefined before one. */
  readonly customers: number | undefined;
  readonly lastListedAt: number | undefined;
  readonly lastFailureAt: number | undefined;
  /** Why the last list failed, while it is the latest outcome: the tenants of the list before are kept meanwhile. */
  readonly lastFailure: { readonly code: string; readonly message: string } | undefined;
}
