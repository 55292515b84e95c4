import { M365Error } from '../../errors.ts';
import { CharUniverse } from './regex-charset.ts';
import { isWhollyCaseInsensitive, renderRegex, type RegexNode } from './regex-node.ts';
import { parseRegex } from './regex-parse.ts';
import { checkExponentialBacktracking, estimateBacktrackingDegree } from './regex-safety.ts';
import { ShapeReader } from './regex-shape.ts';
import { createSyntaxError } from './syntax-error.ts';

/**
 * Longest subject a regex is matched against: longer values are cut to this many UTF-16 code units first (never
 * splitting a surrogate pair). With the compile-time checks this bounds the worst case of any accepted pattern to
 * roughly 10^8 backtracking steps (well under a second).
 */
export const MAX_SUBJECT_LENGTH = 10_000;

/** The lower bound used for patterns whose estimated backtracking degree is 3 (e.g. `\w+\w+$`, unanchored). */
export const REDUCED_SUBJECT_LENGTH = 1_000;

/** Highest estimated backtracking degree accepted; see {@link estimateBacktrackingDegree}. */
const MAX_DEGREE = 3;

/** A Perl regex literal translated to a JavaScript RegExp, with the subject length bound that keeps it fast. */
export interface CompiledRegex {
  /** The translation: flag `u`, plus `i` for Perl's /i (m, s and x are expressed in the source itself). */
  readonly regexp: RegExp;
  /** Subjects are truncated to this many code units before matching. */
  readonly maxSubjectLength: number;
}

/**
 * Translates `/pattern/flags` (flags a subset of `imsx`) and checks it is safe to run.
 *
 * @param position - 1-based position of the opening `/` in the expression, for error messages.
 * @throws M365Error `EXPRESSION_SYNTAX` for syntax JavaScript cannot express (backreferences, atomic groups, …)
 *   and for patterns that could backtrack catastrophically.
 */
export function compileRegex(pattern: string, flags: string, position: number): CompiledRegex {
  if (pattern === '') throw createSyntaxError(position, 'empty regex: Perl would reuse the last matched pattern');
  try {
    const parsed = parseRegex({ pattern, position: position + 1 }, flags);
    const root = anchorLeadingDotStar(parsed.root);
    const ignoreCase = flags.includes('i') || isWhollyCaseInsensitive(root);
    const regexp = new RegExp(renderRegex(root, ignoreCase), ignoreCase ? 'iu' : 'u');
    const shapes = new ShapeReader(new CharUniverse(parsed.codePoints));
    checkExponentialBacktracking(root, shapes);
    const degree = estimateBacktrackingDegree(root, shapes);
    if (degree > MAX_DEGREE) {
      throw createSyntaxError(
        position,
        'unsafe regex: too many unbounded quantifiers in a row can match the same characters, which can take ' +
          `polynomial time (degree ${degree}); anchor it with ^ or make neighbouring parts match different characters`,
      );
    }
    return Object.freeze({ regexp, maxSubjectLength: degree < MAX_DEGREE ? MAX_SUBJECT_LENGTH : REDUCED_SUBJECT_LENGTH });
  } catch (error) {
    if (error instanceof M365Error) throw error;
    throw createSyntaxError(position, `invalid regex: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Matches a subject, truncated to the regex's {@link CompiledRegex.maxSubjectLength}. */
export function testRegex(compiled: CompiledRegex, subject: string): boolean {
  return compiled.regexp.test(truncateSubject(subject, compiled.maxSubjectLength));
}

function truncateSubject(subject: string, maxLength: number): string {
  if (subject.length <= maxLength) return subject;
  const lastUnit = subject.charCodeAt(maxLength - 1);
  return subject.slice(0, lastUnit >= 0xd800 && lastUnit <= 0xdbff ? maxLength - 1 : maxLength);
}

/**
 * A leading `.*` makes every start position on a line redundant with the line's first one, so the match can be
 * pinned to line starts without changing whether it matches; this removes one degree of backtracking, as Perl's
 * own implicit anchoring does.
 */
function anchorLeadingDotStar(root: RegexNode): RegexNode {
  if (root.kind === 'alternation') return { ...root, branches: root.branches.map(anchorLeadingDotStar) };
  const items = root.kind === 'sequence' ? root.items : [root];
  const first = items[0];
  if (first?.kind !== 'repeat' || first.max !== Infinity || first.min > 1) return root;
  if (first.body.kind !== 'char' || !first.body.dot) return root;
  const anchor = first.body.source === '[^\\n]' ? '(?<![^\\n])' : '^';
  return { kind: 'sequence', items: [{ kind: 'assert', source: anchor, anchorsStart: true }, ...items] };
}
