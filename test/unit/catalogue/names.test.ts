import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EVENTS, METRICS } from '../../../src/catalogue/catalogue.ts';

interface Named {
  readonly name: string;
  readonly attributes: readonly string[];
}

/**
 * What the conventions forbid in a catalogue: an attribute named like a metric or an event, and two attributes of
 * which one is a dotted prefix of the other (`a.b` and `a.b.c`), which a log pipeline that nests dotted keys
 * (Datadog's, Elastic's) cannot hold both of.
 */
function namingConflicts(entries: readonly Named[]): string[] {
  const names = new Set(entries.map((entry) => entry.name));
  const attributes = [...new Set(entries.flatMap((entry) => entry.attributes))].sort();
  const conflicts = attributes
    .filter((attribute) => names.has(attribute))
    .map((attribute) => `attribute ${attribute} is also a metric or event name`);
  for (const outer of attributes) {
    for (const inner of attributes) {
      if (inner.startsWith(`${outer}.`)) conflicts.push(`attribute ${outer} is a dotted prefix of ${inner}`);
    }
  }
  return conflicts;
}

describe('the names of the catalogue', () => {
  test('no attribute is named like a metric or an event, and none is a dotted prefix of another', () => {
    assert.deepEqual(namingConflicts([...METRICS, ...EVENTS]), []);
  });

  test('the check finds both kinds of conflict: the names the catalogue had before', () => {
    const before = [
      { name: 'm365.service.status', attributes: ['m365.tenant.id', 'm365.service.status'] },
      {
        name: 'm365.service.status_change',
        attributes: ['m365.service.status', 'm365.service.status.previous', 'm365.service.health'],
      },
      { name: 'm365.service.health', attributes: ['m365.tenant.id'] },
      { name: 'm365.issue.update', attributes: ['m365.issue.update', 'm365.issue.ids', 'm365.issue.id'] },
    ];
    assert.deepEqual(namingConflicts(before), [
      'attribute m365.issue.update is also a metric or event name',
      'attribute m365.service.health is also a metric or event name',
      'attribute m365.service.status is also a metric or event name',
      'attribute m365.service.status is a dotted prefix of m365.service.status.previous',
    ]);
  });
});
