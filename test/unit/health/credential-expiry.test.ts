import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createFileStateStore } from '../../../src/agent/state-store.ts';
import {
  DEFAULT_LEAD_TIMES_MS,
  detectCredentialWarnings,
  earliestCredential,
  secretsMatching,
  type SigningCredential,
} from '../../../src/health/credential-expiry.ts';
import { advanceCredentials, type TenantMemory } from '../../../src/health/memory.ts';
import { SILENT_LOG } from '../../../src/log.ts';

const DAY = 86_400_000;
const EXPIRES_AT = Date.parse('2027-01-31T00:00:00Z');
const SECRET: SigningCredential = {
  kind: 'secret',
  keyId: 'aaaaaaaa-0000-0000-0000-000000000001',
  displayName: 'agent',
  expiresAt: EXPIRES_AT,
};

function memoryAt(baselineAt: number): TenantMemory {
  const position = { baselineAt, statusSequence: 0, issueSequence: 0, messageSequence: 0 };
  return { ...position, polledAt: baselineAt, services: {}, issues: {} };
}

/** One poll's check of `credentials` at `now`: the warnings it gives, as `<key id> <lead in days>`. */
function check(memory: TenantMemory, credentials: readonly SigningCredential[] | undefined, now: number) {
  const step = advanceCredentials(memory, credentials, DEFAULT_LEAD_TIMES_MS, now);
  return { memory: step.memory, given: step.expiring.map((e) => `${e.credential.keyId} ${e.leadTimeMs / DAY}`) };
}

describe('credential expiry warnings', () => {
  test('a clock crossing 30 days, 7 days and the expiry, with restarts between: exactly one warning each', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'm365-credentials-'));
    try {
      let now = EXPIRES_AT - 40 * DAY;
      let store = createFileStateStore(dir, SILENT_LOG, () => now);
      let memory = memoryAt(now);
      const given: string[] = [];
      const pollAt = async (at: number) => {
        now = at;
        const step = check(memory, [SECRET], now);
        memory = step.memory;
        given.push(...step.given.map((text) => `${(EXPIRES_AT - at) / DAY}d left: ${text}`));
        await store.save('contoso', memory, []);
      };
      const restart = async () => {
        store = createFileStateStore(dir, SILENT_LOG, () => now);
        memory = (await store.load('contoso'))!.memory;
      };

      await pollAt(EXPIRES_AT - 40 * DAY);
      await pollAt(EXPIRES_AT - 30 * DAY - 1);
      await pollAt(EXPIRES_AT - 30 * DAY);
      await pollAt(EXPIRES_AT - 29 * DAY);
      await restart();
      await pollAt(EXPIRES_AT - 20 * DAY);
      await pollAt(EXPIRES_AT - 7 * DAY);
      await restart();
      await pollAt(EXPIRES_AT - 6 * DAY);
      await pollAt(EXPIRES_AT - 1);
      await pollAt(EXPIRES_AT);
      await restart();
      await pollAt(EXPIRES_AT + 2 * DAY);

      assert.deepEqual(given, [
        `30d left: ${SECRET.keyId} 30`,
        `7d left: ${SECRET.keyId} 7`,
        `0d left: ${SECRET.keyId} 0`,
      ]);
      assert.deepEqual(memory.credentials, { [`secret:${SECRET.keyId}@${EXPIRES_AT}`]: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a credential first seen past both lead times is reported once, at the shorter', () => {
    const step = check(memoryAt(0), [SECRET], EXPIRES_AT - 5 * DAY);
    assert.deepEqual(step.given, [`${SECRET.keyId} 7`]);
    assert.deepEqual(check(step.memory, [SECRET], EXPIRES_AT - 4 * DAY).given, []);
  });

  test('each warning has an id of its own, the same when detected again from the same memory', () => {
    const memory = memoryAt(1000);
    const first = detectCredentialWarnings(undefined, [SECRET], {
      leadTimesMs: DEFAULT_LEAD_TIMES_MS,
      now: EXPIRES_AT - 20 * DAY,
      baselineAt: memory.baselineAt,
    });
    const again = detectCredentialWarnings(undefined, [SECRET], {
      leadTimesMs: DEFAULT_LEAD_TIMES_MS,
      now: EXPIRES_AT - 19 * DAY,
      baselineAt: memory.baselineAt,
    });
    assert.equal(first.expiring[0].eventId, `1000/c/secret:${SECRET.keyId}@${EXPIRES_AT}:${30 * DAY}`);
    assert.equal(again.expiring[0].eventId, first.expiring[0].eventId);
    const later = detectCredentialWarnings(first.warnings, [SECRET], {
      leadTimesMs: DEFAULT_LEAD_TIMES_MS,
      now: EXPIRES_AT - 6 * DAY,
      baselineAt: memory.baselineAt,
    });
    assert.notEqual(later.expiring[0].eventId, first.expiring[0].eventId);
  });

  test('credentials not known at a poll keep what was remembered; one no longer listed is forgotten', () => {
    const warned = check(memoryAt(0), [SECRET], EXPIRES_AT - 10 * DAY).memory;
    assert.equal(check(warned, undefined, EXPIRES_AT - 6 * DAY).memory, warned, 'nothing known, nothing changes');
    const renewed = { ...SECRET, keyId: 'aaaaaaaa-0000-0000-0000-000000000002', expiresAt: EXPIRES_AT + 365 * DAY };
    const after = check(warned, [renewed], EXPIRES_AT - 6 * DAY);
    assert.deepEqual(after.given, [], 'the renewed secret is a year away');
    assert.equal(after.memory.credentials, undefined, 'the rotated-out secret is forgotten');
  });

  test('a quiet poll leaves the memory the same object (nothing to write)', () => {
    const memory = memoryAt(0);
    assert.equal(check(memory, [SECRET], EXPIRES_AT - 100 * DAY).memory, memory);
    const warned = check(memory, [SECRET], EXPIRES_AT - 10 * DAY).memory;
    assert.equal(check(warned, [SECRET], EXPIRES_AT - 9 * DAY).memory, warned);
  });

  test('the earliest credential, and the secrets whose hint starts the tenant secret', () => {
    const later = { ...SECRET, keyId: 'later', expiresAt: EXPIRES_AT + DAY };
    assert.equal(earliestCredential([later, SECRET]), SECRET);
    assert.equal(earliestCredential([]), undefined);
    const listed = [{ hint: 'abc' }, { hint: 'xyz' }, {}, { hint: '' }, { hint: 'abc' }];
    assert.deepEqual(secretsMatching(listed, 'abcdef'), [{ hint: 'abc' }, { hint: 'abc' }]);
  });
});
