/**
 * A decoded or parsed value as text for an assertion or its message: a primitive as `String` gives it (so an absent
 * value reads `undefined`), an object or array as its JSON, never `[object Object]`.
 */
export function textOf(value: unknown): string {
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
}
