import type { AnyValue, Attributes } from '@opentelemetry/api';

/**
 * A JSON-safe form of an OpenTelemetry `AnyValue`. Strings, booleans, finite numbers and null are kept as they are;
 * what JSON cannot carry is tagged: `{ "$map": {...} }` for a key/value list, `{ "$bytes": base64 }`,
 * `{ "$num": "NaN" | "Infinity" | "-Infinity" }`. Every object in the encoded form is a tag, so decoding is exact.
 */
export type EncodedValue = string | number | boolean | null | EncodedValue[] | { [tag: string]: unknown };

/**
 * Encodes an `AnyValue` into its JSON-safe form. Values the OTLP encoder cannot carry either (`undefined`, bigint,
 * functions, symbols) become `null`; other objects (a `Date`, say) become maps of their own enumerable keys, as the
 * OTLP encoder sends them.
 */
export function encodeAnyValue(value: AnyValue): EncodedValue {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $num: String(value) };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map((item: unknown) => encodeAnyValue(item));
  if (typeof value === 'object' && value !== null) return { $map: encodeAttributes(value as Attributes) };
  return null;
}

/** Encodes a key/value map, leaving out `undefined` values (as the SDK does for attributes). */
export function encodeAttributes(map: Attributes): Record<string, EncodedValue> {
  const encoded: Record<string, EncodedValue> = {};
  for (const [key, value] of Object.entries(map)) if (value !== undefined) setOwn(encoded, key, encodeAnyValue(value));
  return encoded;
}

const NUMBERS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

/** Decodes what {@link encodeAnyValue} produced; throws a `TypeError` on anything else. */
export function decodeAnyValue(value: unknown): AnyValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
    return value;
  if (Array.isArray(value)) return value.map((item: unknown) => decodeAnyValue(item));
  if (typeof value !== 'object') throw new TypeError(`not an encoded value: ${typeof value}`);
  const tag = value as Record<string, unknown>;
  const keys = Object.keys(tag);
  if (keys.length !== 1) throw new TypeError('an encoded object must hold exactly one tag');
  if (typeof tag.$bytes === 'string') return new Uint8Array(Buffer.from(tag.$bytes, 'base64'));
  if (typeof tag.$num === 'string' && Object.hasOwn(NUMBERS, tag.$num)) return NUMBERS[tag.$num];
  if (tag.$map !== undefined) return decodeAttributes(tag.$map);
  throw new TypeError(`unknown tag ${keys[0]}`);
}

/** Decodes a key/value map produced by {@link encodeAttributes}; throws a `TypeError` on anything else. */
export function decodeAttributes(value: unknown): Attributes {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('not an encoded map');
  const map: Attributes = {};
  for (const [key, item] of Object.entries(value)) setOwn(map, key, decodeAnyValue(item));
  return map;
}

/** Assigns an own property, even for the key `__proto__` (a plain assignment would change the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
