import type { PathSegment } from './yaml-path.ts';

const MAX_QUOTED = 80;
const REDACTED = '[redacted]';

/** Keys whose values are credentials, wherever they appear: never quoted in a message. */
const SECRET_KEYS: ReadonlySet<string> = new Set(['client_secret']);

/**
 * The part of `segments` that names a value which may hold a credential (a secret key, or any exporter header,
 * as those carry API keys), or `undefined` when the path is not in one. Anything inside such a value, even its
 * keys, is not shown.
 */
export function secretPrefix(segments: readonly PathSegment[]): readonly PathSegment[] | undefined {
  if (segments.length >= 3 && segments[0] === 'exporter' && segments[1] === 'headers') return segments.slice(0, 3);
  const index = segments.findIndex((segment) => typeof segment === 'string' && SECRET_KEYS.has(segment));
  return index === -1 ? undefined : segments.slice(0, index + 1);
}

/** Whether the value at `segments` may hold a credential, or is inside one. */
export function isSecretPath(segments: readonly PathSegment[]): boolean {
  return secretPrefix(segments) !== undefined;
}

/** Quotes a value for a message (`"mars"`, `42`), shortened when long, or `[redacted]` at a secret path. */
export function quoteValue(value: unknown, segments: readonly PathSegment[] = []): string {
  if (isSecretPath(segments)) return REDACTED;
  if (typeof value !== 'string') return String(value);
  const quoted = JSON.stringify(value);
  return quoted.length <= MAX_QUOTED ? quoted : `${quoted.slice(0, MAX_QUOTED - 2)}…"`;
}

/** Names the YAML type of a loaded value: `mapping`, `sequence`, `string`, `number`, `boolean` or `null`. */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'sequence';
  if (value instanceof Date) return 'timestamp';
  if (typeof value === 'object') return isPlainObject(value) ? 'mapping' : 'tagged value';
  return typeof value;
}

/** A mapping as loaded from YAML (not a Date, Buffer, Map or other tagged value). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
