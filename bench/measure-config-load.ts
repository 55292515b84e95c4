/**
 * What loading a fleet's configuration costs: `loadConfig` on a config whose tenants are in `tenants_from` files of
 * 1,000, each tenant one line, in a fresh process per row. Two shapes of line: `{ name, tenant_id }` under shared
 * settings in `defaults` (test/integration/shared-app-fleet.test.ts), and each tenant's own app, secret reference and
 * endpoints (the lines bench/config-file.ts writes). Prints, per row, the CPU time of the first load and of a reload
 * (a second load while the first config is still held, as the agent holds it), the peak RSS, and the heap the loaded
 * configuration keeps. Usage: `node bench/measure-config-load.ts [N,…]` (default 1,000, 10,000 and 50,000).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuUsage, memoryUsage, resourceUsage } from 'node:process';
import { loadConfig, SchemaValidators } from '../src/config/index.ts';

const TENANTS_PER_FILE = 1000;
const APP = '0f0f0f0f-1111-4222-8333-444444444444';
const SHAPES = {
  'name, tenant_id': (i: number) => `{ name: ${nameOf(i)}, tenant_id: ${tenantIdOf(i)} }`,
  'own app and endpoints': (i: number) =>
    `{ name: ${nameOf(i)}, tenant_id: ${tenantIdOf(i)}, client_id: ${APP}, client_secret: "\${env:SECRET}", ` +
    'endpoints: { login: http://127.0.0.1:8080, graph: http://127.0.0.1:8080 } }',
} as const;
type Shape = keyof typeof SHAPES;

const nameOf = (i: number) => `customer-${String(i).padStart(5, '0')}`;
const tenantIdOf = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

async function writeFleet(dir: string, tenants: number, shape: Shape): Promise<string> {
  await mkdir(join(dir, 'tenants.d'));
  for (let first = 0; first < tenants; first += TENANTS_PER_FILE) {
    const lines = ['tenants:'];
    for (let i = first; i < Math.min(tenants, first + TENANTS_PER_FILE); i++) lines.push(`  - ${SHAPES[shape](i)}`);
    const part = String(first / TENANTS_PER_FILE).padStart(3, '0');
    await writeFile(join(dir, 'tenants.d', `part-${part}.yaml`), `${lines.join('\n')}\n`);
  }
  const defaults = ['defaults:', `  client_id: ${APP}`, '  client_secret: ${env:SECRET}', '  interval: 5m'];
  await writeFile(join(dir, 'agent.yaml'), [...defaults, 'tenants_from: [tenants.d/*.yaml]', ''].join('\n'));
  return join(dir, 'agent.yaml');
}

/** One row, measured in this process: prints it as JSON. */
async function measure(tenants: number, shape: Shape): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'm365-config-load-'));
  try {
    const file = await writeFleet(dir, tenants, shape);
    const validators = new SchemaValidators();
    const load = async () => {
      const before = cpuUsage();
      const result = await loadConfig(file, { SECRET: 'x' }, { validators });
      if (!result.ok || result.config.tenants.length !== tenants) throw new Error(`${file} did not load`);
      const { user, system } = cpuUsage(before);
      return { result, ms: (user + system) / 1000 };
    };
    const heapBefore = memoryUsage().heapUsed;
    const first = await load();
    const again = await load();
    (globalThis as { gc?: () => void }).gc?.();
    const kept = (memoryUsage().heapUsed - heapBefore) / 2 / 1e6;
    console.log(JSON.stringify({ first: first.ms, again: again.ms, rssMb: resourceUsage().maxRSS / 1024, kept }));
    void [first.result, again.result];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === '--row') {
  await measure(Number(rest[0]), rest[1] as Shape);
} else {
  const counts = (mode ?? '1000,10000,50000').split(',').map(Number);
  console.log('| tenants | line | CPU, first load | CPU, reload | peak RSS | heap kept per config |');
  console.log('|---:|---|---:|---:|---:|---:|');
  for (const tenants of counts) {
    for (const shape of Object.keys(SHAPES) as Shape[]) {
      const args = ['--expose-gc', process.argv[1], '--row', String(tenants), shape];
      const row = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as Record<string, number>;
      console.log(
        `| ${tenants.toLocaleString('en')} | ${shape} | ${(row.first / 1000).toFixed(2)} s | ` +
          `${(row.again / 1000).toFixed(2)} s | ${row.rssMb.toFixed(0)} MB | ${row.kept.toFixed(0)} MB |`,
      );
    }
  }
}
