import { RE2JS } from 're2js';
import type { PatternErrors } from './regex-errors.ts';
import { markSubject, MARKED_START } from './regex-marks.ts';
import { translateRegex } from './regex-translate.ts';

/**
 * A Perl regex translated for RE2JS, whose matching time is linear in the subject's length whatever the pattern.
 * The RE2JS program keeps caches of its own, so it stays in a private field, out of reach (a frozen configuration
 * freezes all it can reach); two regexes compiled from the same pattern compare equal by their RE2 `source`.
 */
export class CompiledRegex {
  /** The pattern as RE2 syntax. */
  readonly source: string;
  readonly #program: RE2JS;
  readonly #marked: boolean;

  constructor(source: string, program: RE2JS, marked: boolean) {
    this.source = source;
    this.#program = program;
    this.#marked = marked;
    Object.freeze(this);
  }

  /** Whether the regex matches somewhere in `subject`. */
  test(subject: string): boolean {
    return this.#program.test(this.#marked ? markSubject(subject) : subject);
  }
}

/**
 * Translates a Perl pattern with `flags` (a subset of `imsx`) to RE2 syntax and compiles it with RE2JS.
 * `interpolates` says whether Perl would first interpolate `$name` and `@name` in it: true in a regex literal of an
 * expression, false for a pattern that is already a variable's value (a `check` filter option).
 *
 * @throws M365Error worded by `errors`: malformed syntax, or a construct linear-time matching cannot run.
 */
export function compilePerlRegex(
  pattern: string,
  flags: string,
  errors: PatternErrors,
  interpolates: boolean,
): CompiledRegex {
  const text = { pattern, errors, interpolates };
  const plain = translateRegex(text, flags, false);
  const marked = plain.needsMarks;
  const body = marked ? translateRegex(text, flags, true).source : plain.source;
  const passed = [...'is'].filter((flag) => flags.includes(flag)).join('');
  const source = `${passed === '' ? '' : `(?${passed})`}${marked ? MARKED_START : ''}(?:${body})`;
  let program: RE2JS;
  try {
    program = RE2JS.compile(source, RE2JS.LOOKBEHINDS);
  } catch (error) {
    // The translation is always valid RE2 syntax; what RE2 can still refuse is a program that is too large.
    throw errors.invalid(
      0,
      `regex too large for linear-time matching (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return new CompiledRegex(source, program, marked);
}
