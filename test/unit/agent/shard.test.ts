import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assignTenants,
  formatShard,
  parseShard,
  resolveShard,
  selectShare,
  shardOfTenant,
  type Shard,
} from '../../../src/agent/shard.ts';
import type { Config } from '../../../src/config/types.ts';
import { M365Error } from '../../../src/errors.ts';
import { createLog } from '../../../src/log.ts';

const tenants = (count: number) => Array.from({ length: count }, (_, i) => ({ name: `tenant-${i}` }));

function rejects(run: () => unknown, message: RegExp): void {
  assert.throws(
    run,
    (error: unknown) => error instanceof M365Error && error.code === 'CONFIG_INVALID' && message.test(error.message),
  );
}

describe('parseShard', () => {
  test('reads N/M with a 0-based replica index', () => {
    assert.deepEqual(parseShard('0/1'), { index: 0, count: 1 });
    assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
    assert.deepEqual(parseShard(' 9/10 '), { index: 9, count: 10 });
    assert.equal(formatShard(parseShard('4/7')), '4/7');
  });

  test('refuses indexes out of range, zero replicas and anything that is not N/M', () => {
    rejects(() => parseShard('3/3'), /replica 3 does not exist among 3 \(they are numbered 0 to 2\)/);
    rejects(() => parseShard('0/0'), /replica count must be from 1 to 10000, got 0/);
    rejects(() => parseShard('0/10001'), /got 10001/);
    for (const text of ['', '1', '1/', '/3', '-1/3', '1.5/3', '1/3/4', 'a/b', '1 / 3', '0x1/3']) {
      rejects(() => parseShard(text), /must be N\/M/);
    }
  });

  test('names where the bad value came from', () => {
    rejects(() => parseShard('x', '--shard'), /^--shard must be N\/M/);
  });
});

describe('resolveShard', () => {
  test('--shard wins over the environment', () => {
    const choice = resolveShard({
      flag: '1/4',
      env: { M365_HEALTH_SHARD: '2/4', M365_HEALTH_SHARD_COUNT: '4', HOSTNAME: 'x-3' },
    });
    assert.deepEqual(choice, { shard: { index: 1, count: 4 }, source: '--shard' });
  });

  test('M365_HEALTH_SHARD wins over the pod name', () => {
    const choice = resolveShard({
      flag: undefined,
      env: { M365_HEALTH_SHARD: '2/4', M365_HEALTH_SHARD_COUNT: '4', HOSTNAME: 'x-3' },
    });
    assert.deepEqual(choice, { shard: { index: 2, count: 4 }, source: 'M365_HEALTH_SHARD' });
  });

  test('a StatefulSet pod name gives the index when M365_HEALTH_SHARD_COUNT gives the count', () => {
    const choice = resolveShard({ flag: undefined, env: { M365_HEALTH_SHARD_COUNT: '3', HOSTNAME: 'm365-health-2' } });
    assert.deepEqual(choice, { shard: { index: 2, count: 3 }, source: 'HOSTNAME' });
  });

  test('without a count the pod name is ignored, so nothing is sharded by accident', () => {
    assert.equal(resolveShard({ flag: undefined, env: { HOSTNAME: 'web-2' } }), undefined);
    assert.equal(
      resolveShard({ flag: undefined, env: { M365_HEALTH_SHARD: '', M365_HEALTH_SHARD_COUNT: '' } }),
      undefined,
    );
  });

  test('a count without a usable pod name, or a pod beyond the count, is an error', () => {
    rejects(
      () => resolveShard({ flag: undefined, env: { M365_HEALTH_SHARD_COUNT: '3', HOSTNAME: 'laptop' } }),
      /does not end in -N/,
    );
    rejects(
      () => resolveShard({ flag: undefined, env: { M365_HEALTH_SHARD_COUNT: '3' } }),
      /HOSTNAME "" does not end in -N/,
    );
    rejects(
      () => resolveShard({ flag: undefined, env: { M365_HEALTH_SHARD_COUNT: '3', HOSTNAME: 'm365-health-3' } }),
      /replica 3 does not exist among 3/,
    );
    rejects(
      () => resolveShard({ flag: undefined, env: { M365_HEALTH_SHARD_COUNT: 'three', HOSTNAME: 'm365-health-0' } }),
      /whole number/,
    );
  });
});

describe('assignTenants (rendezvous hashing)', () => {
  const many = tenants(10_000);
  /** Which replica owns each tenant, from one pass of shardOfTenant. */
  const owners = (count: number): number[] => many.map((tenant) => shardOfTenant(tenant.name, count));

  test('every tenant goes to exactly one replica, and one replica takes them all', () => {
    const some = many.slice(0, 2_000);
    for (const count of [1, 2, 3, 7]) {
      const seen = new Map<string, number>();
      for (let index = 0; index < count; index++) {
        for (const tenant of assignTenants(some, { index, count })) {
          assert.equal(seen.has(tenant.name), false, `${tenant.name} assigned twice for M=${count}`);
          assert.equal(shardOfTenant(tenant.name, count), index);
          seen.set(tenant.name, index);
        }
      }
      assert.equal(seen.size, some.length, `M=${count}: every tenant assigned`);
    }
  });

  test('replicas get a fair share of 10,000 tenants', () => {
    for (const count of [3, 8]) {
      const sizes = new Array<number>(count).fill(0);
      for (const owner of owners(count)) sizes[owner]++;
      const expected = many.length / count;
      for (const size of sizes)
        assert.ok(Math.abs(size - expected) < expected * 0.1, `M=${count} sizes ${sizes.join(',')}`);
    }
  });

  test('going from M to M+1 replicas moves about 1/(M+1) of the tenants, all to the new replica', () => {
    for (const count of [1, 3, 5]) {
      const before = owners(count);
      const after = owners(count + 1);
      const moved = many.filter((_, i) => before[i] !== after[i]);
      for (const [i, tenant] of many.entries()) {
        if (before[i] !== after[i]) assert.equal(after[i], count, `${tenant.name} moved to an old replica`);
      }
      const expected = many.length / (count + 1);
      assert.ok(
        Math.abs(moved.length - expected) < expected * 0.1,
        `M=${count}: moved ${moved.length}, expected about ${expected}`,
      );
    }
  });

  test('the assignment depends on the name only, not on order or on the other tenants', () => {
    const shard: Shard = { index: 1, count: 3 };
    const forward = assignTenants(many.slice(0, 300), shard).map((t) => t.name);
    const backward = assignTenants([...many.slice(0, 300)].reverse(), shard).map((t) => t.name);
    assert.deepEqual([...backward].reverse(), forward);
    assert.deepEqual(
      forward.filter((name) => name !== 'tenant-0'),
      assignTenants(many.slice(1, 300), shard).map((t) => t.name),
    );
    assert.equal(shardOfTenant('contoso', 5), shardOfTenant('contoso', 5));
  });

  test('keeps the original order and type of the entries', () => {
    const list = [
      { name: 'b', x: 1 },
      { name: 'a', x: 2 },
      { name: 'c', x: 3 },
    ];
    const kept = assignTenants(list, { index: 0, count: 1 });
    assert.deepEqual(kept, list);
  });
});

describe('selectShare', () => {
  const config = Object.freeze({ tenants: Object.freeze(tenants(40)), warnings: [] }) as unknown as Config;
  const lines: string[] = [];
  const log = createLog({ level: 'info', format: 'text', write: (line) => lines.push(line), clock: () => 0 });

  test('keeps the configuration as it is without a shard', () => {
    assert.equal(selectShare(config, undefined, log), config);
  });

  test('narrows the tenants to the replica share and says so', () => {
    lines.length = 0;
    const share = selectShare(config, { shard: { index: 1, count: 4 }, source: 'HOSTNAME' }, log);
    assert.deepEqual(share.tenants, assignTenants(config.tenants, { index: 1, count: 4 }));
    assert.ok(Object.isFrozen(share) && Object.isFrozen(share.tenants));
    assert.match(
      lines.join('\n'),
      new RegExp(`polling a share of the tenants shard=1/4 from=HOSTNAME tenants=${share.tenants.length} of=40`),
    );
  });

  test('warns when a replica is left without tenants', () => {
    lines.length = 0;
    const one = Object.freeze({ tenants: [{ name: 'solo' }], warnings: [] }) as unknown as Config;
    const other = 1 - shardOfTenant('solo', 2);
    assert.equal(selectShare(one, { shard: { index: other, count: 2 }, source: '--shard' }, log).tenants.length, 0);
    assert.match(lines.join('\n'), /WARN {2}this replica has no tenant to poll/);
  });
});
