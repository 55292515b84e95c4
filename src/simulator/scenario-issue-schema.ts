import { parseDuration } from './duration.ts';
import { join, type ScenarioReader } from './scenario-reader.ts';
import type { IssueFields, IssuePatch, ScenarioIssue, TimePoint } from './scenario-types.ts';
import { CLASSIFICATIONS, CLOSING_STATUSES, ISSUE_STATUSES, ORIGINS } from './statuses.ts';

const ISSUE_ID = /^[A-Za-z0-9-]{1,64}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const PATCH_KEYS = ['id', 'classification', 'status', 'title', 'impact', 'feature', 'feature_group', 'post'];
const OPEN_KEYS = [...PATCH_KEYS, 'service', 'origin'];
const INITIAL_KEYS = [...OPEN_KEYS.filter((k) => k !== 'post'), 'start', 'end', 'resolved', 'posts'];

/** Reads an offset (`-2h`, `30s`) or an ISO 8601 date-time with a zone. */
export function readTimePoint(r: ScenarioReader, value: unknown, path: string): TimePoint | undefined {
  if (value === undefined || value === null) return undefined;
  const text = scalarText(value);
  if (text !== undefined) {
    const offset = parseDuration(text, true);
    if (offset !== undefined) return { kind: 'offset', ms: offset };
    if (ISO_DATE_TIME.test(text) && !Number.isNaN(Date.parse(text))) return { kind: 'absolute', ms: Date.parse(text) };
  }
  return r.fail(path, `expected an offset like -2h or an ISO 8601 date-time, got ${describeValue(value)}`);
}

/** Reads a non-negative duration such as `30s` or `1h30m`. */
export function readDuration(r: ScenarioReader, value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  return ms ?? r.fail(path, `expected a duration like 30s, 5m or 1h30m, got ${describeValue(value)}`);
}

/** A YAML scalar as written; undefined for a list or a mapping. */
function scalarText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      return undefined;
  }
}

/** A value as a message quotes it: a scalar as written, a list or a mapping by its kind. */
function describeValue(value: unknown): string {
  const text = scalarText(value);
  if (text !== undefined) return `'${text}'`;
  return Array.isArray(value) ? 'a list' : 'a mapping';
}

function readId(r: ScenarioReader, value: unknown, path: string): string | undefined {
  const id = r.string(value, path);
  if (id === undefined || ISSUE_ID.test(id)) return id;
  return r.fail(path, `invalid issue id '${id}' (letters, digits and '-' only)`);
}

/** Reads the fields an issue is opened with, applying defaults. */
function readFields(r: ScenarioReader, raw: Record<string, unknown>, path: string): IssueFields {
  const title = r.string(raw['title'], join(path, 'title')) ?? '';
  return {
    id: readId(r, raw['id'], join(path, 'id')) ?? '',
    service: r.string(raw['service'], join(path, 'service')) ?? '',
    classification: r.oneOf(raw['classification'], join(path, 'classification'), CLASSIFICATIONS) ?? 'advisory',
    status: r.oneOf(raw['status'], join(path, 'status'), ISSUE_STATUSES) ?? 'investigating',
    origin: r.oneOf(raw['origin'], join(path, 'origin'), ORIGINS) ?? 'microsoft',
    title,
    impactDescription: r.string(raw['impact'], join(path, 'impact')) ?? title,
    feature: r.string(raw['feature'], join(path, 'feature')) ?? null,
    featureGroup: r.string(raw['feature_group'], join(path, 'feature_group')) ?? null,
    post: r.string(raw['post'], join(path, 'post')),
  };
}

/** Reads an issue present when the simulator starts. */
export function readInitialIssue(r: ScenarioReader, value: unknown, path: string): ScenarioIssue | undefined {
  const raw = r.mapping(value, path, INITIAL_KEYS, ['id', 'service', 'title']);
  if (!raw) return undefined;
  const fields = readFields(r, raw, path);
  const postsPath = join(path, 'posts');
  const posts = (r.list(raw['posts'], postsPath) ?? []).map((p, i) => r.string(p, join(postsPath, i)) ?? '');
  return {
    ...fields,
    start: readTimePoint(r, raw['start'], join(path, 'start')) ?? { kind: 'offset', ms: 0 },
    end: readTimePoint(r, raw['end'], join(path, 'end')),
    isResolved: r.boolean(raw['resolved'], join(path, 'resolved'), CLOSING_STATUSES.has(fields.status)),
    posts,
  };
}

/** Reads the `open:` of a timeline entry. */
export function readOpen(r: ScenarioReader, value: unknown, path: string): IssueFields | undefined {
  const raw = r.mapping(value, path, OPEN_KEYS, ['id', 'service', 'title']);
  return raw && readFields(r, raw, path);
}

/** Reads the `update:` or `resolve:` of a timeline entry. */
export function readPatch(
  r: ScenarioReader,
  value: unknown,
  path: string,
): { id: string; patch: IssuePatch } | undefined {
  const raw = r.mapping(value, path, PATCH_KEYS, ['id']);
  if (!raw) return undefined;
  const patch: Record<string, unknown> = {
    classification: r.oneOf(raw['classification'], join(path, 'classification'), CLASSIFICATIONS),
    status: r.oneOf(raw['status'], join(path, 'status'), ISSUE_STATUSES),
    title: r.string(raw['title'], join(path, 'title')),
    impactDescription: r.string(raw['impact'], join(path, 'impact')),
    feature: r.string(raw['feature'], join(path, 'feature')),
    featureGroup: r.string(raw['feature_group'], join(path, 'feature_group')),
    post: r.string(raw['post'], join(path, 'post')),
  };
  for (const key of Object.keys(patch)) if (patch[key] === undefined) delete patch[key];
  return { id: readId(r, raw['id'], join(path, 'id')) ?? '', patch: patch };
}
