import { Secret } from '../shared/secret.ts';

/**
 * Whether two loaded settings are the same, as a reload decides whether a tenant changed: plain data by value,
 * secrets by the value they hide (a rotated secret is a change), byte arrays by content, other objects (a
 * certificate) by their own enumerable fields and prototype.
 */
export function isSameSetting(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Secret) return a.reveal() === (b as Secret).reveal();
  if (ArrayBuffer.isView(a)) return Buffer.compare(bytesOf(a), bytesOf(b as ArrayBufferView)) === 0;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, index) => isSameSetting(item, other[index]));
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  const record = b as Record<string, unknown>;
  return keysA.every(
    (key) => Object.hasOwn(record, key) && isSameSetting((a as Record<string, unknown>)[key], record[key]),
  );
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
