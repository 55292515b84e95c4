import type { ComparisonOperator, Expression } from './ast.ts';

/** Reads a variable's value; unknown names read as the empty string. */
export type VariableLookup = (name: string) => PerlValue;

/**
 * Evaluates a tree to a Perl scalar. `&&`, `||`, `and` and `or` short-circuit and return the operand that decided,
 * as in Perl; comparisons, matches and negations return Perl's true (`1`) or false (`''`). Never throws.
 */
export function evaluateExpression(node: Expression, lookup: VariableLookup): PerlValue {
  switch (node.kind) {
    case 'variable':
      return lookup(node.name);
    case 'string':
      return node.parts.map((part) => (typeof part === 'string' ? part : toPerlString(lookup(part.variable)))).join('');
    case 'number':
      return node.value;
    case 'unary': {
      const operand = evaluateExpression(node.operand, lookup);
      return node.operator === '-' ? negatePerlValue(operand) : toPerlBoolean(!isPerlTrue(operand));
    }
    case 'match': {
      const subject = toPerlString(evaluateExpression(node.subject, lookup));
      return toPerlBoolean(node.regex.compiled.test(subject) !== node.negated);
    }
    case 'binary': {
      const left = evaluateExpression(node.left, lookup);
      const right = () => evaluateExpression(node.right, lookup);
      if (node.operator === '&&' || node.operator === 'and') return isPerlTrue(left) ? right() : left;
      if (node.operator === '||' || node.operator === 'or') return isPerlTrue(left) ? left : right();
      return toPerlBoolean(COMPARISONS[node.operator](left, right()));
    }
  }
}

/** Numeric operators read both sides as numbers, the word forms as strings (`lt` compares code points). */
const COMPARISONS: Readonly<Record<ComparisonOperator, (left: PerlValue, right: PerlValue) => boolean>> = {
  '==': (left, right) => toPerlNumber(left) === toPerlNumber(right),
  '!=': (left, right) => toPerlNumber(left) !== toPerlNumber(right),
  '<': (left, right) => toPerlNumber(left) < toPerlNumber(right),
  '>': (left, right) => toPerlNumber(left) > toPerlNumber(right),
  '<=': (left, right) => toPerlNumber(left) <= toPerlNumber(right),
  '>=': (left, right) => toPerlNumber(left) >= toPerlNumber(right),
  eq: (left, right) => toPerlString(left) === toPerlString(right),
  ne: (left, right) => toPerlString(left) !== toPerlString(right),
  lt: (left, right) => compareStrings(toPerlString(left), toPerlString(right)) < 0,
  gt: (left, right) => compareStrings(toPerlString(left), toPerlString(right)) > 0,
  le: (left, right) => compareStrings(toPerlString(left), toPerlString(right)) <= 0,
  ge: (left, right) => compareStrings(toPerlString(left), toPerlString(right)) >= 0,
};

/**
 * Perl scalar semantics for the values an expression handles: strings and numbers, with Perl's conversions
 * between them, its truthiness, and its canonical true (`1`) and false (`''`, which is also `0` as a number).
 */
export type PerlValue = string | number;

/** Turns a boolean into Perl's canonical true (`1`) or false (`''`, which reads as 0 in numeric context). */
function toPerlBoolean(value: boolean): PerlValue {
  return value ? 1 : '';
}

/** Perl truthiness: `''`, `'0'` and the number 0 are false; everything else (`'0.0'`, `' '`, `'00'`) is true. */
export function isPerlTrue(value: PerlValue): boolean {
  return typeof value === 'number' ? value !== 0 : value !== '' && value !== '0';
}

/** Converts a variable's value: booleans become Perl's true or false, missing values the empty string. */
export function fromVariable(value: string | number | boolean | undefined): PerlValue {
  if (typeof value === 'boolean') return toPerlBoolean(value);
  if (typeof value === 'string' || typeof value === 'number') return value;
  return '';
}

/** Perl's looks_like_number: the whole string is a number, surrounding whitespace allowed. */
const LOOKS_LIKE_NUMBER = /^\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)\s*$/i;
const NUMERIC_PREFIX = /^\s*([+-]?)(?:(inf(?:inity)?)|(nan)|((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))/i;

/**
 * Perl's string-to-number conversion: leading whitespace is skipped and the longest numeric prefix is read
 * (`'12abc'` is 12, `' 3.5e2x'` is 350, `'Inf'` is infinity); a string with no numeric prefix is 0.
 */
function toPerlNumber(value: PerlValue): number {
  if (typeof value === 'number') return value;
  const match = NUMERIC_PREFIX.exec(value);
  if (match === null) return 0;
  const sign = match[1] === '-' ? -1 : 1;
  if (match[2] !== undefined) return sign * Infinity;
  if (match[3] !== undefined) return Number.NaN;
  return sign * Number(match[4]);
}

/**
 * Perl's number-to-string conversion: safe integers in full (as Perl prints integers), other values like C's
 * `%.15g` (`0.1 + 0.2` is `'0.3'`, `1e21` is `'1e+21'`); `Inf`, `-Inf`, `NaN`; negative zero is `'0'`.
 */
function toPerlString(value: PerlValue): string {
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Inf' : '-Inf';
  if (Number.isSafeInteger(value)) return String(value === 0 ? 0 : value);
  return formatGeneral(value, 15);
}

/** C's `%.{precision}g`. */
function formatGeneral(value: number, precision: number): string {
  const [mantissa = '0', exponentText = '0'] = value.toExponential(precision - 1).split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= precision) {
    const digits = Math.abs(exponent) < 10 ? `0${Math.abs(exponent)}` : String(Math.abs(exponent));
    return `${stripZeros(mantissa)}e${exponent < 0 ? '-' : '+'}${digits}`;
  }
  return stripZeros(value.toFixed(Math.max(0, precision - 1 - exponent)));
}

function stripZeros(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/\.?0+$/, '') : decimal;
}

/**
 * Perl's unary minus: numeric negation, except that a string starting with a letter or underscore gets a `-`
 * prefix (`-'foo'` is `'-foo'`), and one starting with `+`, or with `-` but not a number, has that sign swapped.
 */
function negatePerlValue(value: PerlValue): PerlValue {
  if (typeof value === 'number') return -value;
  if (/^[A-Za-z_]/.test(value)) return `-${value}`;
  if (value.startsWith('+')) return `-${value.slice(1)}`;
  if (value.startsWith('-') && !LOOKS_LIKE_NUMBER.test(value)) return `+${value.slice(1)}`;
  return -toPerlNumber(value);
}

/** Perl's `cmp`: compares strings by code point, not by UTF-16 unit. */
function compareStrings(left: string, right: string): number {
  const leftPoints = left[Symbol.iterator]();
  const rightPoints = right[Symbol.iterator]();
  for (;;) {
    const a = leftPoints.next();
    const b = rightPoints.next();
    if (a.done === true || b.done === true) return a.done === true ? (b.done === true ? 0 : -1) : 1;
    const difference = (a.value.codePointAt(0) ?? 0) - (b.value.codePointAt(0) ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
}
