/** One problem found in a scenario: where (dotted YAML path) and what. */
export interface ScenarioProblem {
  readonly path: string;
  readonly message: string;
}

/** Collects problems while reading an untyped YAML value, so that every problem is reported at once. */
export class ScenarioReader {
  readonly problems: ScenarioProblem[] = [];

  /** Records a problem and returns undefined, for `return reader.fail(...)`. */
  fail(path: string, message: string): undefined {
    this.problems.push({ path, message });
    return undefined;
  }

  /** A mapping with only `allowed` keys, all `required` ones present. */
  mapping(value: unknown, path: string, allowed: readonly string[], required: readonly string[] = []) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return this.fail(path, 'expected a mapping');
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!allowed.includes(key)) this.fail(join(path, key), `unknown key (allowed: ${allowed.join(', ')})`);
    }
    for (const key of required) {
      if (record[key] === undefined || record[key] === null) this.fail(join(path, key), 'is required');
    }
    return record;
  }

  list(value: unknown, path: string): unknown[] | undefined {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : this.fail(path, 'expected a list');
  }

  string(value: unknown, path: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value.trim() === '') return this.fail(path, 'expected a non-empty string');
    return value;
  }

  boolean(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') return this.fail(path, 'expected true or false') ?? fallback;
    return value;
  }

  positiveInteger(value: unknown, path: string): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      return this.fail(path, 'expected a positive integer');
    }
    return value;
  }

  /** A string that must be one of `values`. */
  oneOf(value: unknown, path: string, values: readonly string[]): string | undefined {
    const text = this.string(value, path);
    if (text === undefined || values.includes(text)) return text;
    return this.fail(path, `unknown value '${text}' (expected one of: ${values.join(', ')})`);
  }
}

/** `tenants[0]` + `name` → `tenants[0].name`; numbers become indexes. */
export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}
