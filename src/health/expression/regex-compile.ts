import { M365Error } from '../../errors.ts';
import { CharUniverse } from './regex-charset.ts';
import { isWhollyCaseInsensitive, renderRegex, type RegexNode } from './regex-node.ts';
import { parseRegex } from './regex-parse.ts';
import { checkExponentialBacktracking, estimateBacktrackingDegree } from './regex-safety.ts';
import { childrenOf, ShapeReader } from './regex-shape.ts';
import { createSyntaxError } from './syntax-error.ts';

/**
 * Longest subject a regex is matched against: longer values are cut to this many UTF-16 code units first (never
 * splitting a surrogate pair). Patterns whose backtracking can grow faster than linearly get a lower bound of their
 * own, see {@link CompiledRegex.maxSubjectLength}.
 */
export const MAX_SUBJECT_LENGTH = 10_000;

/** Worst-case backtracking steps (pattern nodes × subject positions) a match may take, a few hundredths of a second. */
const STEP_BUDGET = 2e7;

/** A pattern that is only safe on shorter subjects than this is rejected instead of being truncated. */
const MIN_SUBJECT_LENGTH = 100;

/** A Perl regex literal translated to a JavaScript RegExp, with the subject length bound that keeps it fast. */
export interface CompiledRegex {
  /** The translation: flag `u`, plus `i` for Perl's /i (m, s and x are expressed in the source itself). */
  readonly regexp: RegExp;
  /**
   * Subjects are truncated to this many code units before matching: {@link MAX_SUBJECT_LENGTH}, or less when the
   * estimated worst case grows like the subject length to a power d of 2 or more (`\w+\w+$` unanchored is 3), so
   * that `n^d / d! × pattern size` stays within about 2×10^7 steps: for a ten-node pattern about 2,000 code units at
   * degree 2 and 220 at degree 3. Patterns that would be limited below 100 code units are rejected at compile time.
   */
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
    const maxSubjectLength = safeSubjectLength(degree, countNodes(root));
    if (maxSubjectLength < MIN_SUBJECT_LENGTH) throw createSyntaxError(position, describeTooSlow(degree));
    return Object.freeze({ regexp, maxSubjectLength });
  } catch (error) {
    if (error instanceof M365Error) throw error;
    throw createSyntaxError(position, `invalid regex: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function describeTooSlow(degree: number): string {
  if (degree <= 1) return 'unsafe regex: the pattern is too long to match safely';
  return (
    `unsafe regex: too many quantifiers in a row can trade the same characters (backtracking of degree ${degree}); ` +
    'anchor it with ^ or make neighbouring parts match different characters'
  );
}

/** The longest subject on which `n^degree / degree! × size` stays within the step budget, capped at the maximum. */
function safeSubjectLength(degree: number, size: number): number {
  const power = Math.max(1, degree);
  let factorial = 1;
  for (let factor = 2; factor <= power; factor += 1) factorial *= factor;
  return Math.min(MAX_SUBJECT_LENGTH, Math.floor(((STEP_BUDGET * factorial) / size) ** (1 / power)));
}

function countNodes(node: RegexNode): number {
  return 1 + childrenOf(node).reduce((total, child) => total + countNodes(child), 0);
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
