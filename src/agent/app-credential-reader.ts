import type { TokenProvider } from '../auth/token-provider.ts';
import type { TenantConfig } from '../config/types.ts';
import { toM365Error } from '../errors.ts';
import { fetchApplication, type Application } from '../graph/fetch-applications.ts';
import { secretsMatching, type SigningCredential } from '../health/credential-expiry.ts';
import type { Log } from '../log.ts';
import type { HttpGet } from '../net/http-fetch.ts';
import type { RequestBudget } from './request-budget.ts';
import { timerDelay } from '../shared/timer-delay.ts';

/** An app's registration is read again this long after the last read: its credentials change seldom. */
export const APP_READ_INTERVAL_MS = 4 * 3_600_000;
/** After a failure other than a 403, the next read is tried this long after. */
const RETRY_AFTER_FAILURE_MS = 15 * 60_000;

/**
 * The registration of one app, read from its home tenant in the background and shared by every tenant that signs in
 * with it: at most one read every {@link APP_READ_INTERVAL_MS}, none while the app's budget there is spent.
 */
export interface AppCredentialReader {
  /** The app as last read well; undefined before. Starts a read in the background when one is due. */
  current(): Application | undefined;
  /** Resolves once the read in flight, if any, has ended. */
  settled(): Promise<void>;
}

/** What an {@link AppCredentialReader} reads with: tokens and budget of the app in its home tenant. */
export interface AppCredentialReaderOptions {
  /** The app's settings with the home tenant as `tenantId`: where its registration is read. */
  home: TenantConfig;
  tokens: TokenProvider;
  budget: RequestBudget;
  get: HttpGet;
  clock: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  log: Log;
}

/**
 * Creates the reader of one app. A failure keeps the last good read and is logged as a warning; a 403 (no
 * Application.Read.All) only once until a read succeeds, since it does not go away by itself.
 */
export function createAppCredentialReader(options: AppCredentialReaderOptions): AppCredentialReader {
  const { home, clock } = options;
  let latest: Application | undefined;
  let nextReadAt = 0;
  let inFlight: Promise<void> | undefined;
  let forbiddenReported = false;
  const graph = {
    graphUrl: home.endpoints.graph,
    tokens: options.tokens,
    get: options.get,
    clock,
    sleep: options.sleep,
    onResponse: () => options.budget.record(clock()),
  };

  async function read(): Promise<void> {
    // Once per app every few hours, not per poll: AbortSignal.timeout's cost does not matter here.
    const request = { deadline: clock() + home.timeoutMs, signal: AbortSignal.timeout(timerDelay(home.timeoutMs)) };
    try {
      latest = await fetchApplication(graph, request, home.clientId);
      forbiddenReported = false;
      nextReadAt = clock() + APP_READ_INTERVAL_MS;
    } catch (error) {
      const mapped = toM365Error(error);
      const forbidden = mapped.code === 'GRAPH_FORBIDDEN';
      nextReadAt = clock() + (forbidden ? APP_READ_INTERVAL_MS : RETRY_AFTER_FAILURE_MS);
      if (!(forbidden && forbiddenReported)) {
        forbiddenReported ||= forbidden;
        options.log.warn('app registration read failed: credential expiry falls back to what is known', {
          client_id: home.clientId,
          home_tenant: home.tenantId,
          error: mapped.code,
          reason: mapped.message,
        });
      }
    } finally {
      inFlight = undefined;
    }
  }

  return {
    current() {
      const now = clock();
      if (inFlight === undefined && now >= nextReadAt && options.budget.waitMs(now) === 0) inFlight = read();
      return latest;
    },
    settled: () => inFlight ?? Promise.resolve(),
  };
}

/**
 * The credentials `tenant` signs in with, and when each expires; undefined while not known. A certificate: the file
 * the last token was signed with (`tokens.certificate`). A secret: the app's secrets whose hint starts it, once `app`
 * was read (none read: not known). A federated credential does not expire: none.
 */
export function signingCredentials(
  tenant: TenantConfig,
  tokens: TokenProvider,
  app: Application | undefined,
): SigningCredential[] | undefined {
  if (tenant.certificate !== undefined) {
    const certificate = tokens.certificate;
    if (certificate === undefined) return undefined;
    const { x5t, subject, notAfter } = certificate;
    return [{ kind: 'certificate', keyId: x5t, displayName: subject, expiresAt: notAfter }];
  }
  if (tenant.clientSecret === undefined) return [];
  if (app === undefined) return undefined;
  return secretsMatching(app.passwordCredentials, tenant.clientSecret.reveal()).flatMap((secret) => {
    const expiresAt = secret.endDateTime === undefined ? NaN : Date.parse(secret.endDateTime);
    if (Number.isNaN(expiresAt)) return [];
    return [{ kind: 'secret' as const, keyId: secret.keyId, displayName: secret.displayName ?? '', expiresAt }];
  });
}
