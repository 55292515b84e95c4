/**
 * Approximate character sets for the safety analysis: a set is the subset of a sample alphabet (ASCII, a few
 * characters case folding treats specially, a few from other scripts, plus every literal the pattern names and its
 * case variants) that a one-character node matches. Two nodes "overlap" when their samples share a character.
 */
export type CharSample = bigint;

const BASE_SAMPLE: readonly number[] = [
  ...Array.from({ length: 128 }, (_, codePoint) => codePoint),
  0x85, 0xa0, 0xb5, 0xc9, 0xdf, 0xe9, 0xff, 0x130, 0x131, 0x17f, 0x212a, 0x2126, 0x3a3, 0x3c2, 0x3c3, 0x416, 0x436,
  0x660, 0x200b, 0x2028, 0x2029, 0x3000, 0x4e2d, 0xff10, 0x1f600,
];

/** Literal code points of a pattern added to the alphabet, at most: bounds the analysis of very long patterns. */
const MAX_LITERALS = 256;

/** Builds and caches the samples of one-character JavaScript fragments over one pattern's alphabet. */
export class CharUniverse {
  readonly #alphabet: readonly string[];
  readonly #cache = new Map<string, CharSample>();

  constructor(literals: Iterable<number>) {
    const codePoints = new Set(BASE_SAMPLE);
    for (const codePoint of [...literals].slice(0, MAX_LITERALS)) {
      const character = String.fromCodePoint(codePoint);
      for (const variant of [character, character.toLowerCase(), character.toUpperCase()]) {
        if ([...variant].length === 1) codePoints.add(variant.codePointAt(0) ?? codePoint);
      }
    }
    this.#alphabet = [...codePoints].map((codePoint) => String.fromCodePoint(codePoint));
  }

  /** Every sampled character. */
  get all(): CharSample {
    return (1n << BigInt(this.#alphabet.length)) - 1n;
  }

  /** The sample matched by a one-character fragment such as `a`, `[^\n]`, `\d` or `\p{Lu}`. */
  sampleOf(source: string, ignoreCase: boolean): CharSample {
    const key = `${ignoreCase ? 'i' : '-'}${source}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const matcher = new RegExp(`^(?:${source})$`, ignoreCase ? 'iu' : 'u');
    let sample = 0n;
    this.#alphabet.forEach((character, index) => {
      if (matcher.test(character)) sample |= 1n << BigInt(index);
    });
    this.#cache.set(key, sample);
    return sample;
  }
}
