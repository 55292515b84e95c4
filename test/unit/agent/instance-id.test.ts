import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { INSTANCE_ID_FILE, resolveInstanceId, uuidV5 } from '../../../src/agent/instance-id.ts';
import { createCaptureLog, createTempDir } from '../../helpers/capture-log.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const host = { hostname: 'm365-health-0', configFile: '/etc/m365-health/config.yaml' };

describe('service.instance.id', () => {
  test('with state.dir: a random UUID, kept in a 0600 file and the same at the next start', async () => {
    const { dir, ...temp } = createTempDir();
    try {
      const log = createCaptureLog();
      const first = await resolveInstanceId({ ...host, stateDir: dir, log });
      assert.match(first, UUID_V4);
      const file = join(dir, INSTANCE_ID_FILE);
      assert.equal(readFileSync(file, 'utf8'), `${first}\n`);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(await resolveInstanceId({ ...host, hostname: 'elsewhere', stateDir: dir, log }), first);
      assert.deepEqual(log.lines, []);
    } finally {
      temp.remove();
    }
  });

  test('a file that holds no UUID is replaced, with a warning', async () => {
    const { dir, ...temp } = createTempDir();
    try {
      const file = join(dir, INSTANCE_ID_FILE);
      writeFileSync(file, 'not-a-uuid\n');
      const log = createCaptureLog();
      const id = await resolveInstanceId({ ...host, stateDir: dir, log });
      assert.match(id, UUID_V4);
      assert.equal(readFileSync(file, 'utf8'), `${id}\n`);
      assert.deepEqual(log.lines, [
        { level: 'warn', message: 'the service.instance.id file holds no UUID; replacing it', fields: { file } },
      ]);
    } finally {
      temp.remove();
    }
  });

  test('without state.dir: a UUID v5 of the host name and the config file, in the conventions’ namespace', async () => {
    const log = createCaptureLog();
    const id = await resolveInstanceId({ ...host, stateDir: undefined, log });
    assert.match(id, UUID_V5);
    assert.equal(id, uuidV5('4d63009a-8d0f-11ee-aad7-4c796ed8e320', `${host.hostname}\n${host.configFile}`));
    assert.equal(await resolveInstanceId({ ...host, stateDir: undefined, log }), id);
    assert.notEqual(await resolveInstanceId({ ...host, hostname: 'm365-health-1', stateDir: undefined, log }), id);
    assert.notEqual(await resolveInstanceId({ ...host, configFile: '/etc/other.yaml', stateDir: undefined, log }), id);
  });

  test('uuidV5 gives RFC 9562 name-based UUIDs', () => {
    // The DNS namespace's UUID of "python.org", as Python's uuid.uuid5 and other implementations give it.
    assert.equal(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org'), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });
});
