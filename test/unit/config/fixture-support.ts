import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblem, loadConfig, parseConfig, SchemaValidators } from '../../../src/config/index.ts';
import type { Config, LoadResult } from '../../../src/config/index.ts';

/** Directory of the config fixtures, with a trailing slash. */
export const FIXTURES = fileURLToPath(new URL('../../fixtures/config/', import.meta.url));

/** The environment the fixtures are written against. */
export const FIXTURE_ENV: Readonly<Record<string, string>> = { CONTOSO_CLIENT_SECRET: 'not-a-real-secret' };

/** One set of validators for the loads of a test file, as the agent keeps one: the schema is compiled once. */
const validators = new SchemaValidators();

/** Loads `test/fixtures/config/<name>` with `env`. */
export function loadFixture(name: string, env: Record<string, string | undefined> = FIXTURE_ENV): Promise<LoadResult> {
  return loadConfig(`${FIXTURES}${name}`, env, { validators });
}

/** The problems of a failed load, formatted, with the file shown by its base name. */
export function formattedProblems(result: LoadResult): string[] {
  if (result.ok) throw new Error(`expected problems, got a config with ${result.config.tenants.length} tenant(s)`);
  return result.problems.map((problem) => formatProblem({ ...problem, file: basename(problem.file) }));
}

/** The config of a successful load; fails the test with the problems otherwise. */
export function configOf(result: LoadResult): Config {
  if (!result.ok) throw new Error(`expected a config, got:\n${result.problems.map(formatProblem).join('\n')}`);
  return result.config;
}

/** A tenant entry that passes every check, to build test files around. */
export const VALID_TENANT = `tenants:
  - name: contoso
    tenant_id: contoso.onmicrosoft.com
    client_id: 11111111-2222-3333-4444-555555555555
    client_secret: \${env:CONTOSO_CLIENT_SECRET}
`;

function noFiles(path: string): string {
  throw Object.assign(new Error(`no file ${path} in this test`), { code: 'ENOENT' });
}

/** Parses `text` as `/etc/m365-health/config.yaml` with the fixture environment plus `env`. */
export function parseText(
  text: string,
  env: Record<string, string | undefined> = {},
  readFile: (path: string) => string = noFiles,
): LoadResult {
  return parseConfig(text, '/etc/m365-health/config.yaml', { ...FIXTURE_ENV, ...env }, readFile, { validators });
}
