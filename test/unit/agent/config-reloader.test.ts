import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ReconcileSummary } from '../../../src/agent/agent.ts';
import type { Timers } from '../../../src/agent/schedule.ts';
import { ConfigReloader } from '../../../src/agent/config-reloader.ts';
import type { WatchSources } from '../../../src/agent/watch-config-files.ts';
import type { ConfigSources } from '../../../src/config/tenants-from.ts';
import type { LoadResult } from '../../../src/config/load-config.ts';
import type { Config, TenantConfig } from '../../../src/config/types.ts';
import type { Log } from '../../../src/log.ts';

const SOURCES: ConfigSources = {
  files: ['/etc/m/config.yaml'],
  directories: [{ path: '/etc/m', recursive: false, patterns: ['/etc/m/config.yaml'] }],
};

function config(tenants: string[], changes: Partial<Config> = {}): Config {
  return {
    exporter: { endpoint: 'http://localhost:4318' },
    tenants: tenants.map((name) => ({ name }) as TenantConfig),
    metrics: {},
    resource: {},
    serviceName: 'm365-health',
    stateDir: undefined,
    warnings: [],
    ...changes,
  } as Config;
}

/** Timers whose callbacks run only when `fire` is called. */
function manualTimers(): Timers & { fire(): void; pending(): number } {
  let queue: (() => void)[] = [];
  return {
    now: () => 0,
    setTimeout: (run) => {
      queue.push(run);
      return run;
    },
    clearTimeout: (handle) => void (queue = queue.filter((run) => run !== handle)),
    pending: () => queue.length,
    fire() {
      const due = queue;
      queue = [];
      for (const run of due) run();
    },
  };
}

function harness(results: LoadResult[], gate: Promise<void> = Promise.resolve()) {
  const lines: string[] = [];
  const record =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      const rest = Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => ` ${k}=${String(v)}`)
        .join('');
      lines.push(`${level} ${message}${rest}`);
    };
  const log: Log = { debug: () => undefined, info: record('info'), warn: record('warn'), error: record('error') };
  const applied: string[][] = [];
  const watched: { sources: ConfigSources; onChange: (path: string) => void; closed: boolean }[] = [];
  const watch: WatchSources = (sources, onChange) => {
    const entry = { sources, onChange, closed: false };
    watched.push(entry);
    return { close: () => void (entry.closed = true) };
  };
  const timers = manualTimers();
  let loads = 0;
  const reloader = new ConfigReloader({
    config: config(['contoso']),
    sources: SOURCES,
    load: async () => {
      const result = results[Math.min(loads++, results.length - 1)];
      await gate;
      return result;
    },
    applyTenants: async (tenants): Promise<ReconcileSummary> => {
      applied.push(tenants.map((t) => t.name));
      return {
        added: tenants.map((t) => t.name).filter((n) => n !== 'contoso'),
        removed: [],
        restarted: [],
        unchanged: 1,
      };
    },
    log,
    watch,
    timers,
  });
  return { reloader, lines, applied, watched, timers, loads: () => loads };
}

describe('config reloader', () => {
  test('a valid configuration is applied and becomes the running one', async () => {
    const next: LoadResult = { ok: true, config: config(['contoso', 'fabrikam']), sources: SOURCES };
    const { reloader, lines, applied } = harness([next]);
    await reloader.reload('SIGHUP');
    assert.deepEqual(applied, [['contoso', 'fabrikam']]);
    assert.deepEqual(
      reloader.current().tenants.map((t) => t.name),
      ['contoso', 'fabrikam'],
    );
    assert.deepEqual(lines, [
      'info reloading configuration reason=SIGHUP',
      'info configuration reloaded tenants=2 added=fabrikam',
    ]);
    await reloader.close();
  });

  test('an invalid configuration is rejected with every problem logged, and the running one kept', async () => {
    const problem = (line: number, message: string) => ({
      path: 'tenants[0].client_id',
      line,
      column: 16,
      message,
      file: '/etc/m/t.d/a.yaml',
    });
    const invalid: LoadResult = {
      ok: false,
      problems: [problem(4, 'is not a GUID'), problem(9, 'is not a GUID either')],
    };
    const { reloader, lines, applied } = harness([invalid]);
    await reloader.reload('file change');
    assert.deepEqual(applied, []);
    assert.deepEqual(
      reloader.current().tenants.map((t) => t.name),
      ['contoso'],
    );
    assert.deepEqual(lines, [
      'info reloading configuration reason=file change',
      'error configuration rejected, the running one is kept problems=2',
      'error /etc/m/t.d/a.yaml:4:16: tenants[0].client_id: is not a GUID',
      'error /etc/m/t.d/a.yaml:9:16: tenants[0].client_id: is not a GUID either',
    ]);
    await reloader.close();
  });

  test('changes outside the tenants are reported as needing a restart, and not applied', async () => {
    const changed = config(['contoso'], {
      exporter: { endpoint: 'https://elsewhere:4318' } as Config['exporter'],
      serviceName: 'x',
    });
    const { reloader, lines } = harness([{ ok: true, config: changed }]);
    await reloader.reload('SIGHUP');
    assert.ok(
      lines.includes('warn configuration changes that need a restart are not applied sections=exporter, resource'),
      lines.join('\n'),
    );
    assert.equal(reloader.current().exporter.endpoint, 'http://localhost:4318');
    assert.equal(reloader.current().serviceName, 'm365-health');
    await reloader.close();
  });

  test('file changes are debounced into one reload', async () => {
    const { reloader, watched, timers, loads } = harness([{ ok: true, config: config(['contoso']), sources: SOURCES }]);
    for (const path of ['/etc/m/config.yaml', '/etc/m/.config.yaml.swp', '/etc/m/config.yaml'])
      watched[0].onChange(path);
    assert.equal(timers.pending(), 1);
    assert.equal(loads(), 0);
    timers.fire();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(loads(), 1);
    await reloader.close();
  });

  test('after each reload the new sources are watched and the old watch closed', async () => {
    const more: ConfigSources = {
      ...SOURCES,
      directories: [...SOURCES.directories, { path: '/etc/m/t.d', recursive: false, patterns: ['/etc/m/t.d/*.yaml'] }],
    };
    const { reloader, watched } = harness([{ ok: false, problems: [], sources: more }]);
    await reloader.reload('SIGHUP');
    assert.equal(watched.length, 2);
    assert.equal(watched[0].closed, true);
    assert.deepEqual(watched[1].sources, more);
    await reloader.close();
    assert.equal(watched[1].closed, true);
  });

  test('a file change that leaves every file read as it was applies nothing and logs nothing above debug', async () => {
    const same: LoadResult = { ok: true, config: config(['contoso', 'fabrikam']), sources: SOURCES, digest: 'd1' };
    const changed: LoadResult = { ...same, digest: 'd2' };
    const { reloader, lines, applied } = harness([same, same, changed]);
    await reloader.reload('file change');
    assert.deepEqual(lines, [
      'info reloading configuration reason=file change',
      'info configuration reloaded tenants=2 added=fabrikam',
    ]);
    lines.length = 0;
    await reloader.reload('file change');
    assert.deepEqual(lines, [], 'touched, not changed');
    assert.equal(applied.length, 1);
    await reloader.reload('file change');
    assert.deepEqual(lines[0], 'info reloading configuration reason=file change');
    assert.equal(applied.length, 2);
    await reloader.close();
  });

  test('requests during a reload make one more reload after it, not one each', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { reloader, loads } = harness([{ ok: true, config: config(['contoso']) }], gate);
    const first = reloader.reload('SIGHUP');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(loads(), 1, 'the first reload is loading');
    const queued = [reloader.reload('SIGHUP'), reloader.reload('SIGHUP'), reloader.reload('file change')];
    assert.equal(loads(), 1, 'the others wait for it');
    release();
    await Promise.all([first, ...queued]);
    assert.equal(loads(), 2);
    await reloader.close();
  });
});
