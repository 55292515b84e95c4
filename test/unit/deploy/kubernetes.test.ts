import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { resolveShard } from '../../../src/agent/shard.ts';
import { loadConfig } from '../../../src/config/index.ts';
import type { Config } from '../../../src/config/types.ts';
import { checkCollectorWiring, endpointPort } from './collector-pipelines.ts';
import { isPinnedImage, list, readRepoFile, record } from './deploy-files.ts';
import {
  containerEnvironment,
  containerOf,
  loadKustomization,
  podReferences,
  podSpecOf,
  probePort,
  type Manifest,
} from './kubernetes-manifests.ts';

const VARIANTS = [
  { directory: 'deploy/kubernetes/sidecar', workload: 'Deployment' },
  { directory: 'deploy/kubernetes/sharded', workload: 'StatefulSet' },
] as const;

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'm365-k8s-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The agent config of a ConfigMap, loaded by the real loader with the container's environment. */
async function loadAgentConfig(
  manifests: readonly Manifest[],
  configMap: string,
  env: Record<string, string>,
): Promise<Config> {
  const data = record(manifests.find((m) => m.kind === 'ConfigMap' && m.name === configMap)?.body['data']);
  const file = join(dir, `${configMap}.yaml`);
  await writeFile(file, String(data['config.yaml']));
  const result = await loadConfig(file, env);
  assert.ok(result.ok, result.ok ? '' : result.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return result.config;
}

/** The Secret docs/deployment.md tells the user to create (`kubectl create secret generic NAME --from-literal=KEY=…`). */
function documentedSecret(): Manifest {
  const command = /kubectl create secret generic ([\w-]+)((?:\s*\\?\s*--from-literal=\w+='[^']*')+)/.exec(
    readRepoFile('docs/deployment.md'),
  );
  assert.ok(command, 'docs/deployment.md shows how to create the credentials Secret');
  const keys = [...command[2].matchAll(/--from-literal=(\w+)=/g)].map((match) => match[1]);
  const stringData = Object.fromEntries(keys.map((key) => [key, `secret-of-${key}`]));
  const body = { apiVersion: 'v1', kind: 'Secret', metadata: { name: command[1] }, stringData };
  return { kind: 'Secret', name: command[1], file: 'docs/deployment.md', body };
}

function configMapText(manifests: readonly Manifest[], name: string): string {
  return String(record(manifests.find((m) => m.kind === 'ConfigMap' && m.name === name)?.body['data'])['config.yaml']);
}

for (const variant of VARIANTS) {
  describe(variant.directory, () => {
    const manifests = loadKustomization(variant.directory);
    const workload = manifests.find((m) => m.kind === variant.workload)!;
    const pod = podSpecOf(workload);
    const agent = containerOf(pod, 'agent');
    const collector = containerOf(pod, 'collector');

    test('parses into named objects, each kind and name once', () => {
      assert.ok(workload, `a ${variant.workload}`);
      const ids = manifests.map((m) => `${m.kind}/${m.name}`);
      assert.deepEqual(
        ids.filter((id, i) => ids.indexOf(id) !== i),
        [],
      );
      for (const m of manifests) assert.ok(m.body['apiVersion'] && m.kind && m.name !== 'undefined', m.file);
    });

    test('refers only to ConfigMaps it defines, and to the Secret the guide has the user create', () => {
      const refs = podReferences(pod);
      const has = (kind: string, name: string) => manifests.some((m) => m.kind === kind && m.name === name);
      assert.ok(refs.configMaps.length >= 2 && refs.secretKeys.length >= 1);
      for (const name of refs.configMaps) assert.ok(has('ConfigMap', name), `ConfigMap ${name}`);
      const secret = documentedSecret();
      for (const name of refs.secrets) assert.equal(name, secret.name, `Secret ${name}`);
      assert.deepEqual(
        refs.secretKeys.map(([, key]) => key).sort(),
        Object.keys(record(secret.body['stringData'])).sort(),
        'the pod reads exactly the keys the guide creates',
      );
    });

    test('applying it never overwrites the user Secret: no Secret is part of it', () => {
      assert.deepEqual(
        manifests.filter((m) => m.kind === 'Secret').map((m) => m.name),
        [],
      );
    });

    test('mounts only volumes the pod has, and pins its images', () => {
      const claims = list(record(workload.body['spec'])['volumeClaimTemplates']).map(
        (c) => record(record(c)['metadata'])['name'],
      );
      const volumes = [...list(pod['volumes']).map((v) => record(v)['name']), ...claims];
      for (const container of [agent, collector]) {
        for (const mount of list(container['volumeMounts']).map(record))
          assert.ok(volumes.includes(mount['name']), String(mount['name']));
        assert.ok(isPinnedImage(String(container['image'])), String(container['image']));
      }
      const state = list(agent['volumeMounts'])
        .map(record)
        .find((m) => m['mountPath'] === '/var/lib/m365-health');
      assert.ok(state, 'state on a volume');
    });

    test('the agent config loads, keeps state on the volume and exports to the collector on localhost:4318', async () => {
      const config = await loadAgentConfig(
        manifests,
        'm365-health-agent',
        containerEnvironment(agent, [...manifests, documentedSecret()]),
      );
      assert.equal(config.exporter.endpoint, 'http://localhost:4318');
      assert.equal(config.stateDir, '/var/lib/m365-health');
      const args = list(agent['args']).map(String);
      const mount = list(agent['volumeMounts'])
        .map(record)
        .find((m) => m['name'] === 'agent-config')!;
      assert.equal(args[args.indexOf('--config') + 1], `${String(mount['mountPath'])}/config.yaml`);
      const collectorConfig = record(parse(configMapText(manifests, 'm365-health-collector')));
      const http = record(record(record(record(collectorConfig['receivers'])['otlp'])['protocols'])['http']);
      assert.equal(http['endpoint'], 'localhost:4318');
    });

    test('probes the agent on /healthz and /readyz where its server listens', async () => {
      const config = await loadAgentConfig(
        manifests,
        'm365-health-agent',
        containerEnvironment(agent, [...manifests, documentedSecret()]),
      );
      assert.deepEqual(config.server, { host: '0.0.0.0', port: 13133 });
      assert.equal(record(record(agent['livenessProbe'])['httpGet'])['path'], '/healthz');
      assert.equal(record(record(agent['readinessProbe'])['httpGet'])['path'], '/readyz');
      assert.equal(probePort(agent, 'livenessProbe'), 13133);
      assert.equal(probePort(agent, 'readinessProbe'), 13133);
    });

    test('the collector config is wired, with its health check off the agent port', () => {
      const config = record(parse(configMapText(manifests, 'm365-health-collector')));
      assert.deepEqual(checkCollectorWiring(config), []);
      const healthPort = endpointPort(record(config['extensions'])['health_check']);
      assert.notEqual(healthPort, 13133);
      assert.equal(probePort(collector, 'livenessProbe'), healthPort);
      assert.equal(probePort(collector, 'readinessProbe'), healthPort);
    });
  });
}

describe('deploy/kubernetes/sidecar', () => {
  test('runs one agent over every tenant', () => {
    const deployment = loadKustomization('deploy/kubernetes/sidecar').find((m) => m.kind === 'Deployment')!;
    assert.equal(record(deployment.body['spec'])['replicas'], 1);
    const env = list(containerOf(podSpecOf(deployment), 'agent')['env']).map((e) => String(record(e)['name']));
    assert.ok(!env.some((name) => name.startsWith('M365_HEALTH_SHARD')), env.join());
  });
});

describe('deploy/kubernetes/sharded', () => {
  const manifests = loadKustomization('deploy/kubernetes/sharded');
  const statefulSet = manifests.find((m) => m.kind === 'StatefulSet')!;
  const spec = record(statefulSet.body['spec']);
  const agent = containerOf(podSpecOf(statefulSet), 'agent');

  test('every pod name gives its own replica of as many as there are replicas', () => {
    const replicas = Number(spec['replicas']);
    const env = containerEnvironment(agent, [...manifests, documentedSecret()]);
    assert.equal(env['M365_HEALTH_SHARD_COUNT'], String(replicas), 'M365_HEALTH_SHARD_COUNT equals replicas');
    for (let index = 0; index < replicas; index++) {
      const choice = resolveShard({ flag: undefined, env: { ...env, HOSTNAME: `${statefulSet.name}-${index}` } });
      assert.deepEqual(choice, { shard: { index, count: replicas }, source: 'HOSTNAME' });
    }
  });

  test('has the headless Service it names, selecting its pods', () => {
    const service = manifests.find((m) => m.kind === 'Service' && m.name === spec['serviceName']);
    assert.ok(service, `Service ${String(spec['serviceName'])}`);
    assert.equal(record(service.body['spec'])['clusterIP'], 'None');
    const labels = record(record(record(spec['template'])['metadata'])['labels']);
    for (const [key, value] of Object.entries(record(record(service.body['spec'])['selector'])))
      assert.equal(labels[key], value);
  });

  const template = record(spec['template']);
  const podLabels = record(record(template['metadata'])['labels']);
  /** Whether a `matchLabels` selector picks the StatefulSet's pods. */
  const selectsPods = (selector: unknown) =>
    Object.entries(record(record(selector)['matchLabels'])).every(([key, value]) => podLabels[key] === value);

  test('a disruption budget lets a drain evict one replica, and so one share of the tenants, at a time', () => {
    const budget = manifests.find((m) => m.kind === 'PodDisruptionBudget');
    assert.ok(budget, 'a PodDisruptionBudget');
    const budgetSpec = record(budget.body['spec']);
    assert.equal(budget.body['apiVersion'], 'policy/v1');
    assert.equal(budgetSpec['maxUnavailable'], 1);
    assert.ok(Number(spec['replicas']) > 1, 'more replicas than the budget lets go');
    assert.ok(selectsPods(budgetSpec['selector']));
  });

  test('runs as a service account set up for Azure workload identity, the token going to the agent only', () => {
    const pod = podSpecOf(statefulSet);
    const account = manifests.find((m) => m.kind === 'ServiceAccount' && m.name === pod['serviceAccountName']);
    assert.ok(account, `ServiceAccount ${String(pod['serviceAccountName'])}`);
    const clientId = record(record(account.body['metadata'])['annotations'])['azure.workload.identity/client-id'];
    assert.match(String(clientId), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(account.body['automountServiceAccountToken'], false);
    assert.equal(podLabels['azure.workload.identity/use'], 'true');
    const skipped = record(record(template['metadata'])['annotations'])['azure.workload.identity/skip-containers'];
    const containers = list(pod['containers']).map((c) => record(c)['name']);
    assert.deepEqual(String(skipped).split(';'), ['collector']);
    assert.ok(containers.includes('collector') && containers.includes('agent'));
  });

  test('applies on any cluster: only objects of the core API groups, no custom resource', () => {
    const custom = manifests.filter((m) => /\.coreos\.com\//.test(String(m.body['apiVersion'])));
    assert.deepEqual(
      custom.map((m) => `${m.kind} ${m.name}`),
      [],
    );
  });

  test("with the Prometheus Operator, a PodMonitor scrapes every replica's collector on the port its Prometheus exporter listens on", () => {
    const withMonitor = loadKustomization('deploy/kubernetes/sharded-podmonitor');
    assert.deepEqual(
      withMonitor.filter((m) => m.kind !== 'PodMonitor').map((m) => m.file),
      manifests.map((m) => m.file),
      'the same objects as deploy/kubernetes/sharded, and the PodMonitor',
    );
    const monitor = withMonitor.find((m) => m.kind === 'PodMonitor');
    assert.ok(monitor, 'a PodMonitor');
    assert.equal(monitor.body['apiVersion'], 'monitoring.coreos.com/v1');
    const monitorSpec = record(monitor.body['spec']);
    assert.ok(selectsPods(monitorSpec['selector']));
    const [endpoint] = list(monitorSpec['podMetricsEndpoints']).map(record);
    const collector = containerOf(podSpecOf(statefulSet), 'collector');
    const port = list(collector['ports'])
      .map(record)
      .find((p) => p['name'] === endpoint['port']);
    assert.ok(port, `collector port ${String(endpoint['port'])}`);
    const collectorConfig = record(parse(configMapText(manifests, 'm365-health-collector')));
    const exporter = record(collectorConfig['exporters'])['prometheus'];
    assert.equal(endpointPort(exporter), Number(port['containerPort']));
    assert.equal(endpoint['path'], '/metrics');
  });

  test('keeps each replica state on its own claim', () => {
    const claims = list(spec['volumeClaimTemplates']).map((c) => record(record(c)['metadata'])['name']);
    const mount = list(agent['volumeMounts'])
      .map(record)
      .find((m) => m['mountPath'] === '/var/lib/m365-health')!;
    assert.ok(claims.includes(mount['name']), String(mount['name']));
  });
});
