import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogRecord } from '@opentelemetry/api';
import { createTenantLedger } from '../../../src/agent/tenant-ledger.ts';
import type { StateStore } from '../../../src/agent/state-store.ts';
import type { TenantMemory } from '../../../src/health/memory.ts';
import { Outbox } from '../../../src/telemetry/outbox/outbox.ts';
import { createCaptureLog } from '../../helpers/capture-log.ts';

const memory = (statusSequence: number): TenantMemory => ({
  baselineAt: 1,
  statusSequence,
  issueSequence: 0,
  messageSequence: 0,
  polledAt: 1,
  services: {},
  issues: {},
});
const event = (id: string): LogRecord => ({
  eventName: 'm365.service.status_change',
  attributes: { 'm365.event.id': id },
});

/** A store that keeps what was written last per tenant, counts writes, and fails or waits on demand. */
function createMemoryStore() {
  const files = new Map<string, { memory: TenantMemory; outbox: readonly unknown[] }>();
  const control = { writes: 0, failing: false, gate: Promise.resolve() };
  const store: StateStore = {
    load: async (tenant) => files.get(tenant),
    async save(tenant, kept, outbox) {
      control.writes++;
      await control.gate;
      if (control.failing) throw new Error('disk full');
      files.set(tenant, { memory: kept, outbox });
    },
  };
  const idsIn = (tenant: string) =>
    (files.get(tenant)?.outbox ?? []).map(
      (e) => (e as { attributes: Record<string, string> }).attributes['m365.event.id'],
    );
  return { store, files, control, idsIn };
}

function createLedger() {
  const log = createCaptureLog();
  const outbox = new Outbox({ maxBytes: 1 << 20, log, clock: () => 1_000 });
  const emitted: string[] = [];
  const logger = { emit: (record: LogRecord) => void emitted.push(String(record.attributes?.['m365.event.id'])) };
  const memoryStore = createMemoryStore();
  const ledger = createTenantLedger({ store: memoryStore.store, outbox, logger, log });
  const pendingIds = () => outbox.oldest(1000, 1 << 30).map((entry) => entry.event.attributes['m365.event.id']);
  return { ledger, outbox, emitted, log, pendingIds, ...memoryStore };
}

describe('tenant ledger', () => {
  test('a poll commits its memory and its events in one write; they are pending (and emitted) only once written', async () => {
    const { ledger, outbox, control, files, idsIn, emitted } = createLedger();
    let open!: () => void;
    control.gate = new Promise((resolve) => (open = resolve));
    const committing = ledger.commit('contoso', memory(1), [event('a'), event('b')]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(control.writes, 1);
    assert.equal(outbox.pendingCount, 0, 'nothing can be sent before the write that holds it');
    assert.deepEqual(emitted, []);
    open();
    await committing;
    assert.deepEqual(files.get('contoso')?.memory, memory(1));
    assert.deepEqual(idsIn('contoso'), ['a', 'b'], 'the same file holds the memory and its events');
    assert.equal(outbox.pendingCount, 2);
    assert.deepEqual(emitted, ['a', 'b']);
  });

  test('delivered events leave their files: one more write per tenant touched, not one per event', async () => {
    const { ledger, outbox, control, idsIn, pendingIds } = createLedger();
    await ledger.commit('contoso', memory(1), [event('c1'), event('c2'), event('c3')]);
    await ledger.commit('fabrikam', memory(1), [event('f1')]);
    assert.equal(control.writes, 2);
    outbox.settle(outbox.oldest(4, 1 << 30).slice(1));
    await ledger.settled();
    assert.equal(control.writes, 4, 'each tenant written once more');
    assert.deepEqual(idsIn('contoso'), ['c1'], 'what is left stays in its file');
    assert.deepEqual(idsIn('fabrikam'), []);
    assert.deepEqual(pendingIds(), ['c1']);
  });

  test('a quiet poll writes nothing; a changed memory without events is written', async () => {
    const { ledger, control } = createLedger();
    await ledger.commit('contoso', memory(1), []);
    await ledger.commit('contoso', { ...memory(1), polledAt: 2 }, []);
    assert.equal(control.writes, 1);
    await ledger.commit('contoso', memory(2), []);
    assert.equal(control.writes, 2);
  });

  test('a write the disk refuses loses nothing: the events are sent, and the next write holds them', async () => {
    const { ledger, control, log, pendingIds, idsIn } = createLedger();
    control.failing = true;
    await ledger.commit('contoso', memory(1), [event('a')]);
    assert.deepEqual(log.messages('error'), ['cannot save state']);
    assert.deepEqual(pendingIds(), ['a']);
    control.failing = false;
    await ledger.commit('contoso', { ...memory(1), polledAt: 2 }, []);
    assert.deepEqual(idsIn('contoso'), ['a'], 'the quiet poll after a failed write writes again');
  });

  test('a state file read back gives its events to the outbox once, however often the tenant is restored', async () => {
    const first = createLedger();
    await first.ledger.commit('contoso', memory(1), [event('a')]);
    const restarted = createTenantLedger({
      store: first.store,
      outbox: new Outbox({ maxBytes: 1 << 20, log: createCaptureLog(), clock: () => 2_000 }),
      logger: { emit: () => {} },
      log: createCaptureLog(),
    });
    const outbox = new Outbox({ maxBytes: 1 << 20, log: createCaptureLog(), clock: () => 2_000 });
    const ledger = createTenantLedger({
      store: first.store,
      outbox,
      logger: { emit: () => {} },
      log: createCaptureLog(),
    });
    assert.deepEqual(ledger.restore('contoso', await first.store.load('contoso')), memory(1));
    ledger.restore('contoso', await first.store.load('contoso'));
    assert.equal(outbox.pendingCount, 1);
    assert.deepEqual(restarted.restore('fabrikam', undefined), undefined);
  });

  test('without a state directory events go straight to the outbox', async () => {
    const outbox = new Outbox({ maxBytes: 1 << 20, log: createCaptureLog(), clock: () => 1 });
    const ledger = createTenantLedger({
      store: undefined,
      outbox,
      logger: { emit: () => {} },
      log: createCaptureLog(),
    });
    await ledger.commit('contoso', memory(1), [event('a')]);
    assert.equal(outbox.pendingCount, 1);
  });
});
