import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { loadDefaultScenario, startSimulator } from '../../../src/simulator/index.ts';
import { isPinnedImage, list, readRepoFile, readYaml, record, repoPath } from './deploy-files.ts';

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

const dockerfile = instructions(readRepoFile('Dockerfile'));
const stages = dockerfile.reduce<{ op: string; args: string }[][]>((all, line) => {
  if (line.op === 'FROM') all.push([]);
  all.at(-1)?.push(line);
  return all;
}, []);
const finalStage = stages.at(-1)!;
const pkg = JSON.parse(readRepoFile('package.json')) as { devDependencies: Record<string, string> };

/** Runs a `node -e` health check with its port replaced, and returns its exit code. */
async function runCheck(code: string, fromPort: number, toPort: number): Promise<number> {
  const script = code.replace(`:${fromPort}/`, `:${toPort}/`);
  assert.notEqual(script, code, 'the check names the port');
  try {
    await promisify(execFile)(process.execPath, ['-e', script], { timeout: 10_000 });
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('Dockerfile', () => {
  test('builds in two stages on the pinned Node that package.json uses for development', () => {
    const arg = dockerfile.find((line) => line.op === 'ARG' && line.args.startsWith('NODE_IMAGE='))!;
    const image = arg.args.slice('NODE_IMAGE='.length);
    assert.equal(image, `node:${pkg.devDependencies['node']}-bookworm-slim`);
    assert.ok(isPinnedImage(image));
    assert.deepEqual(
      stages.map((stage) => stage[0].args),
      ['${NODE_IMAGE} AS dependencies', '${NODE_IMAGE}'],
    );
  });

  test('installs production dependencies only, from the lock file, in the build stage', () => {
    const runs = stages[0].filter((line) => line.op === 'RUN').map((line) => line.args);
    assert.ok(
      runs.some((run) => /\bnpm ci\b.*--omit=dev/.test(run)),
      runs.join('\n'),
    );
    assert.ok(!finalStage.some((line) => line.op === 'RUN' && /\bnpm (ci|install)\b/.test(line.args)));
    assert.ok(
      finalStage.some((line) => line.op === 'COPY' && line.args.startsWith('--from=dependencies /app/node_modules')),
    );
  });

  test('runs as an unprivileged user with config and state as volumes', () => {
    const users = finalStage.filter((line) => line.op === 'USER').map((line) => line.args);
    assert.deepEqual(users, ['node']);
    const volumes = finalStage
      .filter((line) => line.op === 'VOLUME')
      .map((line) => JSON.parse(line.args) as string[])
      .flat();
    assert.deepEqual(volumes, ['/etc/m365-health', '/var/lib/m365-health']);
    const entrypoint = JSON.parse(finalStage.find((line) => line.op === 'ENTRYPOINT')!.args) as string[];
    const command = JSON.parse(finalStage.find((line) => line.op === 'CMD')!.args) as string[];
    assert.deepEqual(
      [...entrypoint, ...command],
      ['node', '/app/bin/m365-health.js', 'run', '--config', '/etc/m365-health/config.yaml'],
    );
  });

  test('copies files that exist and that .dockerignore lets through', () => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const line of finalStage.concat(stages[0]).filter((l) => l.op === 'COPY' && !l.args.startsWith('--from'))) {
      const sources = line.args.split(/\s+/).slice(0, -1);
      for (const source of sources) {
        assert.ok(existsSync(repoPath(source)), `${source} exists`);
        assert.ok(!ignored.includes(source), `${source} is not in .dockerignore`);
      }
    }
    for (const heavy of ['**/node_modules', '.git', 'test'])
      assert.ok(ignored.includes(heavy), `.dockerignore leaves out ${heavy}`);
  });

  test('its HEALTHCHECK asks /healthz on 13133 and fails unless the answer is OK', async () => {
    const healthcheck = finalStage.find((line) => line.op === 'HEALTHCHECK')!;
    const exec = JSON.parse(healthcheck.args.slice(healthcheck.args.indexOf('CMD') + 4)) as string[];
    assert.deepEqual(exec.slice(0, 2), ['node', '-e']);
    const code = exec[2];
    assert.match(code, /http:\/\/127\.0\.0\.1:13133\/healthz/);
    let status = 200;
    const server = createServer((req, res) => {
      res.writeHead(req.url === '/healthz' ? status : 404).end();
    });
    const port = await listen(server);
    try {
      assert.equal(await runCheck(code, 13133, port), 0);
      status = 503;
      assert.equal(await runCheck(code, 13133, port), 1);
    } finally {
      server.close();
    }
    assert.equal(await runCheck(code, 13133, port), 1, 'nothing listening');
  });
});

describe('docker-compose.yml simulator health check', () => {
  test('passes against a running simulator', async () => {
    const simulatorService = record(record(readYaml('docker-compose.yml'))['services'])['simulator'];
    const check = list(record(record(simulatorService)['healthcheck'])['test']).map(String);
    assert.deepEqual(check.slice(0, 3), ['CMD', 'node', '-e']);
    const simulator = await startSimulator({ scenario: await loadDefaultScenario() });
    try {
      assert.equal(await runCheck(check[3], 8080, Number(new URL(simulator.url).port)), 0);
    } finally {
      await simulator.close();
    }
  });
});
