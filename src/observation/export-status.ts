/**
 * The exports of one signal (metrics or events) as the telemetry keeps them and the status endpoint shows them;
 * times in ms since the epoch.
 */
export interface ExportStatus {
  readonly signal: 'metrics' | 'events';
  readonly endpoint: string;
  readonly lastSuccessAt: number | undefined;
  readonly lastFailureAt: number | undefined;
  readonly lastFailure: { readonly reason: string; readonly status?: number; readonly errorType: string } | undefined;
  readonly consecutiveFailures: number;
  readonly failingSince: number | undefined;
  /** Failing for at least the watch's `failingAfterMs`: the agent is not ready. */
  readonly failing: boolean;
}
