import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { EVENTS, METRICS } from '../../../src/catalogue/catalogue.ts';
import { renderTelemetryDocs } from '../../../scripts/render-docs.ts';

test('docs/telemetry.md is generated from the catalogue (run `npm run docs` after changing it)', async () => {
  const committed = await readFile(new URL('../../../docs/telemetry.md', import.meta.url), 'utf8');
  assert.equal(committed, renderTelemetryDocs());
});

test('every catalogue name is unique and namespaced: ours, or the semantic conventions’ for SDK self-metrics', () => {
  const names = [...METRICS, ...EVENTS].map((entry) => entry.name);
  assert.equal(new Set(names).size, names.length);
  for (const name of names) assert.match(name, /^(m365|otel\.sdk)\.[a-z_]+(\.[a-z_]+)+$/);
});
