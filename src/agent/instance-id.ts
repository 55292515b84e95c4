import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Log } from '../log.ts';
import { writeFileAtomic } from './state-store.ts';
import { GUID } from '../shared/identifiers.ts';

/** The namespace the semantic conventions give for a `service.instance.id` made a UUID v5 of stable identifiers. */
const INSTANCE_NAMESPACE = '4d63009a-8d0f-11ee-aad7-4c796ed8e320';

/** The file of `state.dir` that keeps the id. */
export const INSTANCE_ID_FILE = 'instance-id';

export interface InstanceIdInputs {
  stateDir: string | undefined;
  /** The host's name: a pod's name in Kubernetes. */
  hostname: string;
  /** The config file's absolute path, when there is one: two agents of one host differ by it. */
  configFile: string | undefined;
  log: Log;
}

/**
 * The agent's `service.instance.id`, the same at every start, so that a restart continues its series instead of
 * starting an `instance` of its own in Prometheus: kept in `state.dir` when there is one (a random UUID the first
 * time, and when the file is not one, with a warning); else a UUID v5 of the host name and the config file's path,
 * in the namespace the semantic conventions recommend. Never rejects: an id that cannot be kept is still used.
 */
export async function resolveInstanceId(inputs: InstanceIdInputs): Promise<string> {
  const { stateDir, log } = inputs;
  if (stateDir === undefined) {
    return uuidV5(INSTANCE_NAMESPACE, [inputs.hostname, inputs.configFile ?? ''].join('\n'));
  }
  const file = join(stateDir, INSTANCE_ID_FILE);
  const kept = await readFile(file, 'utf8').then(
    (text) => ({ text: text.trim() }),
    (error: unknown) => ({ error }),
  );
  if ('text' in kept && GUID.test(kept.text)) return kept.text;
  if ('text' in kept) log.warn('the service.instance.id file holds no UUID; replacing it', { file });
  else if ((kept.error as { code?: unknown } | null)?.code !== 'ENOENT') {
    log.warn('the service.instance.id file cannot be read; replacing it', { file, error: String(kept.error) });
  }
  const id = randomUUID();
  try {
    await writeFileAtomic(stateDir, INSTANCE_ID_FILE, `${id}\n`);
  } catch (error) {
    log.warn('service.instance.id cannot be kept; the next start will have another', { file, error: String(error) });
  }
  return id;
}

/** A name-based UUID (version 5, SHA-1) of `name` in `namespace`, as RFC 9562 defines it. */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
