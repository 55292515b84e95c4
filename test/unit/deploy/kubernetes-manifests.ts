import { existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { textOf } from '../../helpers/text-of.ts';
import { list, readYaml, readYamlDocuments, record, repoPath } from './deploy-files.ts';

/** One Kubernetes object of a manifest file. */
export interface Manifest {
  readonly kind: string;
  readonly name: string;
  readonly file: string;
  readonly body: Record<string, unknown>;
}

/**
 * The objects a kustomization directory applies (its `resources`, files or directories with their own
 * kustomization), as `kubectl apply -k` would gather them. Throws on a resource that does not exist.
 */
export function loadKustomization(directory: string): Manifest[] {
  const kustomization = record(readYaml(`${directory}/kustomization.yaml`));
  return list(kustomization['resources']).flatMap((resource) => {
    const path = join(directory, String(resource));
    if (!existsSync(repoPath(path)))
      throw new Error(`${directory}/kustomization.yaml: resource ${String(resource)} does not exist`);
    if (statSync(repoPath(path)).isDirectory()) return loadKustomization(relative('.', path));
    return readYamlDocuments(path)
      .filter((doc) => doc !== null)
      .map((doc) => {
        const body = record(doc);
        return { kind: String(body['kind']), name: String(record(body['metadata'])['name']), file: path, body };
      });
  });
}

/** The pod spec of a Deployment or StatefulSet. */
export function podSpecOf(workload: Manifest): Record<string, unknown> {
  return record(record(record(workload.body['spec'])['template'])['spec']);
}

/** A container of a pod spec, by name. */
export function containerOf(pod: Record<string, unknown>, name: string): Record<string, unknown> {
  const container = list(pod['containers'])
    .map(record)
    .find((c) => c['name'] === name);
  if (!container) throw new Error(`no container ${name}`);
  return container;
}

/** The ConfigMaps, Secrets and Secret keys a pod spec refers to. */
export function podReferences(pod: Record<string, unknown>): {
  configMaps: string[];
  secrets: string[];
  secretKeys: [string, string][];
} {
  const configMaps: string[] = [];
  const secrets: string[] = [];
  const secretKeys: [string, string][] = [];
  for (const volume of list(pod['volumes']).map(record)) {
    if (volume['configMap']) configMaps.push(String(record(volume['configMap'])['name']));
    if (volume['secret']) secrets.push(String(record(volume['secret'])['secretName']));
  }
  for (const container of list(pod['containers']).map(record)) {
    for (const env of list(container['env']).map(record)) {
      const from = record(env['valueFrom']);
      if (from['configMapKeyRef']) configMaps.push(String(record(from['configMapKeyRef'])['name']));
      const secretRef = record(from['secretKeyRef']);
      if (from['secretKeyRef']) secretKeys.push([String(secretRef['name']), String(secretRef['key'])]);
    }
    for (const source of list(container['envFrom']).map(record)) {
      if (source['configMapRef']) configMaps.push(String(record(source['configMapRef'])['name']));
      if (source['secretRef']) secrets.push(String(record(source['secretRef'])['name']));
    }
  }
  secrets.push(...secretKeys.map(([name]) => name));
  return { configMaps, secrets, secretKeys };
}

/** The environment a container would see, with Secret values taken from the manifests' `stringData`. */
export function containerEnvironment(
  container: Record<string, unknown>,
  manifests: readonly Manifest[],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of list(container['env']).map(record)) {
    const ref = record(record(entry['valueFrom'])['secretKeyRef']);
    if (typeof entry['value'] === 'string') env[String(entry['name'])] = entry['value'];
    else if (ref['name']) {
      const secret = manifests.find((m) => m.kind === 'Secret' && m.name === ref['name']);
      env[String(entry['name'])] = textOf(record(secret?.body['stringData'])[String(ref['key'])] ?? '');
    }
  }
  return env;
}

/** The port number a probe's `httpGet.port` names (a number or a container port name). */
export function probePort(container: Record<string, unknown>, probe: string): number | undefined {
  const port = record(record(container[probe])['httpGet'])['port'];
  if (typeof port === 'number') return port;
  const named = list(container['ports'])
    .map(record)
    .find((p) => p['name'] === port);
  return named ? Number(named['containerPort']) : undefined;
}
