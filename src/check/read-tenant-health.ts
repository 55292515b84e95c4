import { createEntraTokenProvider, type TokenProvider } from '../auth/token-provider.ts';
import { toM365Error } from '../errors.ts';
import { fetchApplications, type Application } from '../graph/fetch-applications.ts';
import { fetchServiceHealth, type FetchRequest, type GraphClientOptions } from '../graph/graph-client.ts';
import type { Snapshot } from '../health/model.ts';
import { createHttpClient, getThroughFetch } from '../net/http-fetch.ts';
import type { CheckOptions } from './check-options.ts';
import { createDebugFetch } from './debug-fetch.ts';
import { createTokenFileCache, resolveStatefileDir } from './token-file-cache.ts';
import { timerDelay } from '../shared/timer-delay.ts';

/** What a run may touch: the network, time, the environment and a place to write debug lines. */
export interface CheckRuntime {
  /** Replaces the HTTP client; by default one honouring `--proxyurl`, else the proxy variables of `env`. */
  readonly fetch?: typeof fetch;
  readonly clock: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Receives `--debug` lines (one per call, without newline). */
  readonly debug: (line: string) => void;
  /** Aborts the run (the process is asked to stop). */
  readonly signal?: AbortSignal;
  /** Shared state directories tried before the user's cache (default: Centreon's). */
  readonly sharedStatefileDirs?: readonly string[];
}

/** Retries of one Graph request: high, so that `--timeout` is what ends a throttled run. */
const MAX_RETRIES = 30;

/**
 * One read of a tenant's service health, the agent's pipeline with the check's options: a token for the credential
 * (client secret, certificate or federated token; cached in a file between runs), then every page of
 * `healthOverviews?$expand=issues`, retries included, all within `--timeout`. Both go through `--proxyurl` or the
 * proxy variables. Rejects with an {@link M365Error}.
 */
export function readTenantHealth(options: CheckOptions, runtime: CheckRuntime): Promise<Snapshot> {
  return readTenantGraph(options, runtime, fetchServiceHealth);
}

/** Every app registration of the tenant with its credentials, read as {@link readTenantHealth} reads the health. */
export function readTenantApplications(options: CheckOptions, runtime: CheckRuntime): Promise<Application[]> {
  return readTenantGraph(options, runtime, fetchApplications);
}

/** One Graph read of the tenant (`read`: which), with the token, retries, proxy and `--timeout` of the check. */
async function readTenantGraph<T>(
  options: CheckOptions,
  runtime: CheckRuntime,
  read: (client: GraphClientOptions, request: FetchRequest) => Promise<T>,
): Promise<T> {
  const http =
    runtime.fetch === undefined ? createHttpClient({ env: runtime.env, proxy: options.proxy?.reveal() }) : undefined;
  const network = runtime.fetch ?? http!.fetch;
  const secrets = options.credential.kind === 'secret' ? [options.credential.secret.reveal()] : [];
  const fetch = options.debug
    ? createDebugFetch({ fetch: network, write: runtime.debug, secrets, clock: runtime.clock })
    : network;
  try {
    const tokens = await createTokens(options, runtime, fetch);
    const timeout = AbortSignal.timeout(timerDelay(options.timeoutMs));
    const signal = runtime.signal === undefined ? timeout : AbortSignal.any([timeout, runtime.signal]);
    const client = {
      graphUrl: options.endpoints.graph,
      tokens,
      get: getThroughFetch(fetch),
      clock: runtime.clock,
      sleep: runtime.sleep,
      maxRetries: MAX_RETRIES,
    };
    // The token request does not take the signal: the race keeps --timeout a bound on the whole run.
    return await raceAbort(read(client, { deadline: runtime.clock() + options.timeoutMs, signal }), signal).catch(
      (error: unknown) => {
        const mapped = toM365Error(error);
        throw mapped.code === 'ABORTED' && timeout.aborted ? toM365Error(timeout.reason) : mapped;
      },
    );
  } finally {
    await http?.close();
  }
}

async function createTokens(
  options: CheckOptions,
  runtime: CheckRuntime,
  fetch: typeof globalThis.fetch,
): Promise<TokenProvider> {
  const inner = createEntraTokenProvider({
    tenantId: options.tenantId,
    clientId: options.clientId,
    credential: options.credential,
    endpoints: options.endpoints,
    fetch,
    clock: runtime.clock,
    timeoutMs: options.timeoutMs,
  });
  const dir = await resolveStatefileDir({
    given: options.statefileDir,
    env: runtime.env,
    cwd: runtime.cwd,
    shared: runtime.sharedStatefileDirs,
  });
  if (options.debug) runtime.debug(dir === undefined ? '* no token cache directory' : `* token cache directory ${dir}`);
  if (dir === undefined) return inner;
  return createTokenFileCache({
    inner,
    dir,
    identity: options,
    secret: options.credentialKey,
    clock: runtime.clock,
    onProblem: options.debug ? (message) => runtime.debug(`* ${message}`) : undefined,
  });
}

/** Settles like `promise`, or rejects with the signal's reason, as an `M365Error`, as soon as it aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(toM365Error(signal.reason));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
