import { createHash } from 'node:crypto';
import type { Config } from '../config/types.ts';
import { M365Error } from '../errors.ts';
import type { Log } from '../log.ts';

/** Replica `index` (0-based) of `count` replicas that share one tenant list. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** A shard, and where it came from for the log line that announces it. */
export interface ShardChoice {
  readonly shard: Shard;
  readonly source: '--shard' | 'M365_HEALTH_SHARD' | 'HOSTNAME';
}

/** Largest replica count accepted; far beyond any useful deployment, small enough to catch typos. */
export const MAX_SHARD_COUNT = 10_000;

const SHARD_TEXT = /^(\d{1,5})\/(\d{1,5})$/;
const POD_ORDINAL = /-(\d{1,5})$/;

function invalid(message: string): M365Error {
  return new M365Error('CONFIG_INVALID', message);
}

function checkShard(index: number, count: number, what: string): Shard {
  if (count < 1 || count > MAX_SHARD_COUNT) {
    throw invalid(`${what}: the replica count must be from 1 to ${MAX_SHARD_COUNT}, got ${count}`);
  }
  if (index >= count)
    throw invalid(`${what}: replica ${index} does not exist among ${count} (they are numbered 0 to ${count - 1})`);
  return Object.freeze({ index, count });
}

/** Parses `N/M`: replica N (0-based) of M. */
export function parseShard(text: string, what = 'shard'): Shard {
  const match = SHARD_TEXT.exec(text.trim());
  if (!match)
    throw invalid(`${what} must be N/M, replica N (from 0) of M replicas, e.g. 0/3; got ${JSON.stringify(text)}`);
  return checkShard(Number(match[1]), Number(match[2]), what);
}

/** Formats a shard as `N/M`. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/**
 * Decides which share of the tenants this process polls, first match wins:
 * 1. `--shard N/M`;
 * 2. `M365_HEALTH_SHARD=N/M`;
 * 3. `M365_HEALTH_SHARD_COUNT=M` with the index taken from the pod name in `HOSTNAME` (`name-N`, as a
 *    Kubernetes StatefulSet names its pods).
 * Without any of them the process polls every tenant (undefined). The count is never guessed from the pod
 * name alone, so a host that happens to end in `-2` is not sharded by accident.
 */
export function resolveShard(inputs: {
  readonly flag: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}): ShardChoice | undefined {
  if (inputs.flag !== undefined) return { shard: parseShard(inputs.flag, '--shard'), source: '--shard' };
  const fromEnv = inputs.env.M365_HEALTH_SHARD;
  if (fromEnv !== undefined && fromEnv !== '') {
    return { shard: parseShard(fromEnv, 'M365_HEALTH_SHARD'), source: 'M365_HEALTH_SHARD' };
  }
  const countText = inputs.env.M365_HEALTH_SHARD_COUNT;
  if (countText === undefined || countText === '') return undefined;
  return { shard: shardFromPodName(inputs.env.HOSTNAME ?? '', countText), source: 'HOSTNAME' };
}

function shardFromPodName(hostname: string, countText: string): Shard {
  if (!/^\d{1,5}$/.test(countText.trim())) {
    throw invalid(`M365_HEALTH_SHARD_COUNT must be a whole number of replicas, got ${JSON.stringify(countText)}`);
  }
  const ordinal = POD_ORDINAL.exec(hostname);
  if (!ordinal) {
    throw invalid(
      `M365_HEALTH_SHARD_COUNT is set but HOSTNAME ${JSON.stringify(hostname)} does not end in -N (a StatefulSet pod name); ` +
        'set M365_HEALTH_SHARD=N/M or --shard N/M instead',
    );
  }
  return checkShard(Number(ordinal[1]), Number(countText.trim()), `HOSTNAME ${hostname} with M365_HEALTH_SHARD_COUNT`);
}

/** The weight of replica `index` for a tenant: the first 64 bits of SHA-256 over the index and the name. */
function weigh(name: string, index: number): bigint {
  return createHash('sha256').update(`${index}\u0000${name}`).digest().readBigUInt64BE(0);
}

/**
 * The replica that polls the tenant called `name` among `count`, by rendezvous (highest random weight) hashing:
 * each replica's weight depends only on the name and that replica's index, so going from M to M+1 replicas
 * moves only the tenants whose new replica outweighs the old one (about 1/(M+1) of them), all to the new one.
 */
export function shardOfTenant(name: string, count: number): number {
  let best = 0;
  let bestWeight = -1n;
  for (let index = 0; index < count; index++) {
    const weight = weigh(name, index);
    if (weight > bestWeight) {
      best = index;
      bestWeight = weight;
    }
  }
  return best;
}

/** The tenants (by `name`) that replica `shard.index` polls, in their original order. */
export function assignTenants<T extends { readonly name: string }>(tenants: readonly T[], shard: Shard): T[] {
  return tenants.filter((tenant) => shardOfTenant(tenant.name, shard.count) === shard.index);
}

/**
 * The configuration narrowed to the tenants of `choice` (unchanged without one), with the share logged.
 * A replica left with no tenant still runs, so that scaling up never turns into a crash loop.
 */
export function selectShare(config: Config, choice: ShardChoice | undefined, log: Log): Config {
  if (choice === undefined) return config;
  const tenants = Object.freeze(assignTenants(config.tenants, choice.shard));
  const fields = {
    shard: formatShard(choice.shard),
    from: choice.source,
    tenants: tenants.length,
    of: config.tenants.length,
  };
  if (tenants.length === 0) log.warn('this replica has no tenant to poll', fields);
  else log.info('polling a share of the tenants', fields);
  return Object.freeze({ ...config, tenants });
}
