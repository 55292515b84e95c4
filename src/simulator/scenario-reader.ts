/** One problem found in a scenario: where (dotted YAML path) and what. */
export interface ScenarioProblem {
  readonly path: string;
  readonly message: string;
}

/** Collects problems while reading an untyped YAML value, so that every problem is reported at once. */
export class ScenarioReader {
  readonly problems: ScenarioProblem[] = [];
  /** Where the scenario's relative file names start. */
  readonly baseDir: string;

  constructor(baseDir: string) {
    this.baseDir = baseDir;
  }

  /** Records a problem and returns undefined, for `return r.fail(...)`. */
  fail(path: string, message: string): undefined {
    this.problems.push({ path, message });
    return undefined;
  }
}

/** Reads the YAML value at `path`; absent (`undefined` or `null`) is undefined or the reader's default. */
export type Read<T> = (r: ScenarioReader, value: unknown, path: string) => T;

/** `tenants[0]` + `name` → `tenants[0].name`; numbers become indexes. */
export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

const absent = (value: unknown): value is undefined | null => value === undefined || value === null;

type Field = Read<unknown> | readonly [yamlKey: string, read: Read<unknown>];
type ValueOf<F> = F extends readonly [string, Read<infer T>] ? T : F extends Read<infer T> ? T : never;
/** What {@link mapping} reads: each field's value, required ones never absent. */
export type Mapping<F, R extends keyof F> = {
  readonly [K in keyof F]: K extends R ? NonNullable<ValueOf<F[K]>> : ValueOf<F[K]>;
};

/** A field whose YAML key differs from its name in the scenario's normalised form. */
export function from<T>(yamlKey: string, read: Read<T>): readonly [string, Read<T>] {
  return [yamlKey, read];
}

/**
 * A mapping with only the keys of `spec` (in its order), the `required` ones present, each read by its reader. Fields
 * read as undefined are left out, so that what is absent stays absent.
 */
export function mapping<F extends Record<string, Field>, R extends keyof F & string = never>(
  spec: F,
  required: readonly R[] = [],
): Read<Mapping<F, R> | undefined> {
  const fields = Object.entries(spec).map(([name, f]) => (typeof f === 'function' ? [name, name, f] : [name, ...f]));
  const keys = fields.map(([, key]) => key as string);
  const requiredKeys = required.map((name) => fields.find(([field]) => field === name)?.[1] as string);
  return (r, value, path) => {
    if (absent(value) || typeof value !== 'object' || Array.isArray(value)) return r.fail(path, 'expected a mapping');
    const raw = value as Record<string, unknown>;
    for (const key of Object.keys(raw)) {
      if (!keys.includes(key)) r.fail(join(path, key), `unknown key (allowed: ${keys.join(', ')})`);
    }
    for (const key of requiredKeys) if (absent(raw[key])) r.fail(join(path, key), 'is required');
    const read = fields.map(([name, key, f]) => [
      name,
      (f as Read<unknown>)(r, raw[key as string], join(path, key as string)),
    ]);
    return Object.fromEntries(read.filter(([, v]) => v !== undefined)) as Mapping<F, R>;
  };
}

/** A list of items (absent: empty; given empty, refused when it needs at least one `item`), unreadable items left out. */
export function listOf<T>(item: Read<T | undefined>, atLeastOne?: string): Read<T[]> {
  return (r, value, path) => {
    if (absent(value)) return [];
    if (!Array.isArray(value)) return r.fail(path, 'expected a list') ?? [];
    if (value.length === 0 && atLeastOne) r.fail(path, `expected at least one ${atLeastOne}`);
    return value.flatMap((v, i) => item(r, v, join(path, i)) ?? []);
  };
}

/** Reads with `read`, then `check`s or transforms what it read. */
export function then<T, U>(
  read: Read<T | undefined>,
  next: (value: T, r: ScenarioReader, path: string) => U,
): Read<U | undefined> {
  return (r, value, path) => {
    const got = read(r, value, path);
    return got === undefined ? undefined : next(got, r, path);
  };
}

/** Reads with `read` only when the key is there: undefined stays undefined, but `null` is read (and refused). */
export function optional<T>(read: Read<T>): Read<T | undefined> {
  return (r, value, path) => (value === undefined ? undefined : read(r, value, path));
}

/** The value read, or `fallback` when absent (or unreadable, which is reported). */
export function orElse<T, U>(read: Read<T | undefined>, fallback: U): Read<T | U> {
  return (r, value, path) => read(r, value, path) ?? fallback;
}

/** A scalar that passes `test`, else the `problem`; absent is undefined. */
function scalar<T>(test: (value: unknown) => value is T, problem: string): Read<T | undefined> {
  return (r, value, path) => (absent(value) ? undefined : test(value) ? value : r.fail(path, problem));
}

export const text = scalar((v): v is string => typeof v === 'string' && v.trim() !== '', 'expected a non-empty string');
export const flag = scalar((v): v is boolean => typeof v === 'boolean', 'expected true or false');
export const positiveInteger = scalar(
  (v): v is number => Number.isInteger(v) && (v as number) >= 1,
  'expected a positive integer',
);

/** A string that must be one of `values`. */
export function oneOf(values: readonly string[]): Read<string | undefined> {
  return then(text, (value, r, path) =>
    values.includes(value) ? value : r.fail(path, `unknown value '${value}' (expected one of: ${values.join(', ')})`),
  );
}

/** A string matching `pattern` (lower-cased when `lowerCase`), else the problem `describe` words. */
export function matching(
  pattern: RegExp,
  describe: (value: string) => string,
  lowerCase = false,
): Read<string | undefined> {
  return then(text, (value, r, path) => {
    if (!pattern.test(value)) return r.fail(path, describe(value));
    return lowerCase ? value.toLowerCase() : value;
  });
}

/** A non-negative duration such as `30s` or `1h30m`, in ms. */
export const duration: Read<number | undefined> = (r, value, path) => {
  if (absent(value)) return undefined;
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  return ms ?? r.fail(path, `expected a duration like 30s, 5m or 1h30m, got ${describeValue(value)}`);
};

/** A point in time: an offset from the simulator's start, or an absolute instant (ms since epoch). */
export interface TimePoint {
  readonly kind: 'offset' | 'absolute';
  readonly ms: number;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** An offset (`-2h`, `30s`) or an ISO 8601 date-time with a zone. */
export const timePoint: Read<TimePoint | undefined> = (r, value, path) => {
  if (absent(value)) return undefined;
  const text = scalarText(value);
  const offset = text === undefined ? undefined : parseDuration(text, true);
  if (offset !== undefined) return { kind: 'offset', ms: offset };
  if (text !== undefined && ISO_DATE_TIME.test(text) && !Number.isNaN(Date.parse(text))) {
    return { kind: 'absolute', ms: Date.parse(text) };
  }
  return r.fail(path, `expected an offset like -2h or an ISO 8601 date-time, got ${describeValue(value)}`);
};

/** A YAML scalar as written; undefined for a list or a mapping. */
function scalarText(value: unknown): string | undefined {
  return ['string', 'number', 'boolean', 'bigint'].includes(typeof value) ? String(value) : undefined;
}

/** A value as a message quotes it: a scalar as written, a list or a mapping by its kind. */
function describeValue(value: unknown): string {
  const text = scalarText(value);
  if (text !== undefined) return `'${text}'`;
  return Array.isArray(value) ? 'a list' : 'a mapping';
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(-)?((?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+)$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/**
 * Parses a duration such as `30s`, `1h30m`, `500ms` or `-2h` into milliseconds; undefined when malformed.
 * Units: ms, s, m, h, d. A leading `-` is allowed only when `allowNegative` is set.
 */
export function parseDuration(text: string, allowNegative = false): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  if (match[1] && !allowNegative) return undefined;
  let total = 0;
  for (const [, amount, unit] of match[2].matchAll(PART)) total += Number(amount) * UNIT_MS[unit];
  return match[1] ? -total : total;
}
