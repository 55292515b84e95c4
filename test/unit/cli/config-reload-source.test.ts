import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { configReloadSource } from '../../../src/cli/run.ts';
import { loadConfig, type LoadResult, SchemaValidators } from '../../../src/config/index.ts';
import type { TenantConfig } from '../../../src/config/types.ts';
import { SILENT_LOG } from '../../../src/log.ts';

const ENV = { CONTOSO_CLIENT_SECRET: 'x' };
const CONFIG = `defaults:
  severity:
    critical: '%{classification} eq "incident"'
tenants:
  - name: contoso
    tenant_id: contoso.onmicrosoft.com
    client_id: 11111111-2222-3333-4444-555555555555
    client_secret: \${env:CONTOSO_CLIENT_SECRET}
`;

/** The severity texts of the one tenant of a successful load. */
function severityOf(result: LoadResult): NonNullable<TenantConfig['severity']> {
  if (!result.ok) throw new Error(result.problems.map((problem) => problem.message).join('\n'));
  const [tenant] = result.config.tenants;
  if (tenant?.severity === undefined) throw new Error('expected severity rules');
  return tenant.severity;
}

describe('the reload source of run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'm365-reload-source-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, CONFIG);

  test('checks with the validators of the first load: an unchanged severity loads as the same texts', async () => {
    const validators = new SchemaValidators();
    const first = severityOf(await loadConfig(file, ENV, { validators }));
    const source = configReloadSource(file, ENV, undefined, SILENT_LOG, validators, undefined);
    const reloaded = severityOf(await source.load());
    assert.deepEqual(reloaded, first);
    assert.equal(reloaded.critical, '%{classification} eq "incident"');
  });
});
