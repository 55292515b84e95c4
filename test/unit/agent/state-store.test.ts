import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { createFileStateStore, stateFileName } from '../../../src/agent/state-store.ts';
import type { TenantMemory } from '../../../src/health/memory.ts';
import { createLog } from '../../../src/log.ts';

let dir: string;
const lines: string[] = [];
const log = createLog({ level: 'debug', format: 'text', write: (line) => lines.push(line), clock: () => 0 });
const memory: TenantMemory = {
  baselineAt: 1_699_000_000_000,
  statusSequence: 3,
  issueSequence: 5,
  messageSequence: 0,
  polledAt: 1_700_000_000_000,
  services: { Exchange: { name: 'Exchange Online', status: 'serviceDegradation', health: 2 } },
  issues: {
    EX1: {
      lastModified: '2026-11-27T10:00:00Z',
      status: 'serviceDegradation',
      classification: 'incident',
      isResolved: false,
    },
  },
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'm365-state-'));
  lines.length = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

test('saves atomically with mode 0600 and loads the same memory back', async () => {
  const store = createFileStateStore(join(dir, 'state'), log);
  await store.save('contoso', memory, []);
  assert.deepEqual(await store.load('contoso'), { memory, outbox: [] });
  const file = join(dir, 'state', stateFileName('contoso'));
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.deepEqual(
    (await readdir(join(dir, 'state'))).filter((name) => name.endsWith('.tmp')),
    [],
  );
  assert.equal(await store.load('fabrikam'), undefined);
});

test('a directory that cannot be made yet is tried again by the next save', async () => {
  const blocked = join(dir, 'volume');
  await writeFile(blocked, 'not a directory');
  const store = createFileStateStore(join(blocked, 'state'), log);
  await assert.rejects(store.save('contoso', memory, []), { code: 'ENOTDIR' });
  await rm(blocked);
  await store.save('contoso', memory, []);
  assert.deepEqual(await store.load('contoso'), { memory, outbox: [] });
});

test('a corrupt state file is reported and set aside, never fatal', async () => {
  const store = createFileStateStore(dir, log, () => 42);
  for (const content of [
    '{"version":1,"polledAt":',
    '{"version":1,"polledAt":1,"services":{"X":{"name":1}},"issues":{}}',
    '[]',
  ]) {
    await writeFile(join(dir, stateFileName('contoso')), content);
    assert.equal(await store.load('contoso'), undefined);
    assert.ok((await readdir(dir)).includes(`${stateFileName('contoso')}.corrupt-42`));
  }
  assert.match(lines.join('\n'), /state file corrupt, set aside/);
});

test('file names are safe and distinct for any tenant name', () => {
  assert.match(stateFileName('../../etc/passwd'), /^\.\._\.\._etc_passwd-[0-9a-f]{12}\.json$/);
  assert.notEqual(stateFileName('a/b'), stateFileName('a_b'));
});

test('message-center versions are kept when present, and a file without them still loads', async () => {
  const store = createFileStateStore(dir, log);
  const withMessages: TenantMemory = { ...memory, messages: { MC100001: '2026-11-27T09:00:00Z' } };
  await store.save('contoso', withMessages, []);
  assert.deepEqual(await store.load('contoso'), { memory: withMessages, outbox: [] });
  await writeFile(
    join(dir, stateFileName('fabrikam')),
    JSON.stringify({ version: 1, ...memory, messages: { MC1: 42 } }),
  );
  assert.equal(
    await store.load('fabrikam'),
    undefined,
    'a message version that is not a string makes the file corrupt',
  );
});

test('a file written before events were numbered loads: its history begins at its polledAt, every sequence at 0', async () => {
  const store = createFileStateStore(dir, log);
  const {
    baselineAt: _baselineAt,
    statusSequence: _statusSequence,
    issueSequence: _issueSequence,
    messageSequence: _messageSequence,
    ...remembered
  } = memory;
  await writeFile(join(dir, stateFileName('contoso')), JSON.stringify({ version: 1, ...remembered }));
  const loaded = await store.load('contoso');
  assert.deepEqual(loaded?.memory, {
    ...remembered,
    baselineAt: memory.polledAt,
    statusSequence: 0,
    issueSequence: 0,
    messageSequence: 0,
  });
  assert.deepEqual(
    await store.load('contoso'),
    loaded,
    'loaded again (a second crash before any save): the same position',
  );
  assert.equal(lines.length, 0, 'nothing reported, nothing set aside');
});

test('a position of the wrong kind makes the file corrupt: set aside, never guessed', async () => {
  const store = createFileStateStore(dir, log, () => 7);
  const wrong = [
    { baselineAt: '1' },
    { statusSequence: -1 },
    { issueSequence: 1.5 },
    { messageSequence: null },
    { baselineAt: null },
  ];
  for (const field of wrong) {
    await writeFile(join(dir, stateFileName('contoso')), JSON.stringify({ version: 1, ...memory, ...field }));
    assert.equal(await store.load('contoso'), undefined, JSON.stringify(field));
    assert.ok((await readdir(dir)).includes(`${stateFileName('contoso')}.corrupt-7`));
  }
});

test('the outbox is written with the memory, in the same file, and read back as written', async () => {
  const store = createFileStateStore(dir, log);
  const outbox = [{ n: 1, time: [1, 0], observed: [1, 0], event: 'e', attributes: { 'm365.event.id': 'x' } }];
  await store.save('contoso', memory, outbox);
  assert.deepEqual(await store.load('contoso'), { memory, outbox });
  const file = JSON.parse(await readFile(join(dir, stateFileName('contoso')), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(file.outbox, outbox, 'one file: the memory and its events');
  await store.save('contoso', memory, []);
  assert.equal('outbox' in JSON.parse(await readFile(join(dir, stateFileName('contoso')), 'utf8')), false);
});

test('an outbox that is not a list makes the file corrupt: set aside', async () => {
  const store = createFileStateStore(dir, log, () => 9);
  await writeFile(join(dir, stateFileName('contoso')), JSON.stringify({ version: 1, ...memory, outbox: {} }));
  assert.equal(await store.load('contoso'), undefined);
  assert.ok((await readdir(dir)).includes(`${stateFileName('contoso')}.corrupt-9`));
});
