import {
  BINARY_PRECEDENCE,
  createSyntaxError,
  NON_ASSOCIATIVE_PRECEDENCES,
  NOT_PRECEDENCE,
  type BinaryOperator,
  type Expression,
  type RegexLiteral,
} from './ast.ts';
import { compilePerlRegex, type CompiledRegex } from './regex-compile.ts';
import { tokenize, type Token } from './tokenize.ts';

/** Deepest nesting of parentheses, prefix operators and operator chains an expression may have. */
const MAX_NESTING = 256;

interface Cursor {
  readonly tokens: readonly Token[];
  index: number;
  nesting: number;
  readonly depths: WeakMap<Expression, number>;
}

type InfixOperator = BinaryOperator | '=~' | '!~';

/**
 * Parses an expression into its tree; `undefined` for an empty or blank text.
 *
 * @throws M365Error `EXPRESSION_SYNTAX` naming the 1-based position and what was expected there.
 */
export function parseExpressionTree(text: string): Expression | undefined {
  const cursor: Cursor = { tokens: tokenize(text), index: 0, nesting: 0, depths: new WeakMap() };
  if (peek(cursor).kind === 'end') return undefined;
  const expression = parseBinary(cursor, 1);
  const rest = peek(cursor);
  if (rest.kind !== 'end') fail(rest, 'an operator or the end of the expression');
  return expression;
}

function peek(cursor: Cursor): Token {
  return cursor.tokens[cursor.index] ?? (cursor.tokens.at(-1) as Token);
}

function advance(cursor: Cursor): Token {
  const token = peek(cursor);
  cursor.index += 1;
  return token;
}

function infixOperatorOf(token: Token): InfixOperator | undefined {
  if (token.kind !== 'operator' || !Object.hasOwn(BINARY_PRECEDENCE, token.operator)) return undefined;
  return token.operator as InfixOperator;
}

function parseBinary(cursor: Cursor, minPrecedence: number): Expression {
  let left = parsePrefixed(cursor);
  for (;;) {
    const token = peek(cursor);
    const operator = infixOperatorOf(token);
    const precedence = operator === undefined ? 0 : BINARY_PRECEDENCE[operator];
    if (operator === undefined || precedence < minPrecedence) return left;
    advance(cursor);
    if (operator === '=~' || operator === '!~') {
      const regex = readRegex(cursor, token);
      left = build(cursor, token, { kind: 'match', negated: operator === '!~', subject: left, regex }, [left]);
      continue;
    }
    const right = parseBinary(cursor, precedence + 1);
    left = build(cursor, token, { kind: 'binary', operator, left, right }, [left, right]);
    const next = infixOperatorOf(peek(cursor));
    if (NON_ASSOCIATIVE_PRECEDENCES.has(precedence) && next !== undefined && BINARY_PRECEDENCE[next] === precedence) {
      throw createSyntaxError(
        peek(cursor).position,
        `comparisons do not chain: found '${next}' after '${operator}'; combine them with 'and'`,
      );
    }
  }
}

/**
 * Prefix operators. `not` followed by `(` is Perl's function form: `not (%{a}) eq ''` is `(not %{a}) eq ''`, a term; otherwise
 * `not` takes everything down to `and`/`or`.
 */
function parsePrefixed(cursor: Cursor): Expression {
  const token = peek(cursor);
  if (token.kind !== 'operator' || !['!', '-', 'not'].includes(token.operator)) return parsePrimary(cursor);
  enter(cursor, token);
  advance(cursor);
  const operator = token.operator as '!' | '-' | 'not';
  const operand =
    operator !== 'not'
      ? parsePrefixed(cursor)
      : isOpenParenthesis(peek(cursor))
        ? parsePrimary(cursor)
        : parseBinary(cursor, NOT_PRECEDENCE);
  cursor.nesting -= 1;
  return build(cursor, token, { kind: 'unary', operator, operand }, [operand]);
}

function isOpenParenthesis(token: Token): boolean {
  return token.kind === 'operator' && token.operator === '(';
}

function parsePrimary(cursor: Cursor): Expression {
  const token = advance(cursor);
  switch (token.kind) {
    case 'variable':
      return { kind: 'variable', name: token.name };
    case 'string':
      return { kind: 'string', parts: token.parts };
    case 'number':
      return { kind: 'number', value: token.value };
    case 'operator':
      if (token.operator === '(') return parseParenthesized(cursor, token);
      break;
    case 'regex':
      return fail(token, 'an operand', ' (a regex is only allowed after =~ or !~)');
    case 'word':
      return fail(token, 'an operand', ` (quote text: '${token.text}'; write variables as %{${token.text}})`);
  }
  return fail(token, 'an operand');
}

function parseParenthesized(cursor: Cursor, open: Token): Expression {
  enter(cursor, open);
  const inner = parseBinary(cursor, 1);
  cursor.nesting -= 1;
  const close = advance(cursor);
  if (close.kind !== 'operator' || close.operator !== ')')
    fail(close, `')' to close the '(' at position ${open.position}`);
  return inner;
}

function readRegex(cursor: Cursor, operator: Token): RegexLiteral {
  const token = advance(cursor);
  if (token.kind !== 'regex') return fail(token, `a regex after '${operator.text}'`);
  const compiled = compileRegex(token.pattern, token.flags, token.position);
  return { pattern: token.pattern, flags: token.flags, compiled };
}

function enter(cursor: Cursor, token: Token): void {
  cursor.nesting += 1;
  if (cursor.nesting > MAX_NESTING)
    throw createSyntaxError(token.position, `expression nested more than ${MAX_NESTING} levels deep`);
}

/** Records a new node's depth, refusing trees too deep to evaluate safely (long operator chains included). */
function build(cursor: Cursor, token: Token, node: Expression, children: readonly Expression[]): Expression {
  const depth = 1 + Math.max(...children.map((child) => cursor.depths.get(child) ?? 1));
  if (depth > MAX_NESTING)
    throw createSyntaxError(token.position, `expression nested more than ${MAX_NESTING} levels deep`);
  cursor.depths.set(node, depth);
  return node;
}

function fail(found: Token, expected: string, hint = ''): never {
  throw createSyntaxError(found.position, `expected ${expected}, found ${describeToken(found)}${hint}`);
}

/** How a token is named in messages. */
function describeToken(token: Token): string {
  if (token.kind === 'end') return 'the end of the expression';
  if (token.kind === 'word') return `bare word '${token.text}'`;
  return token.kind === 'operator' || token.kind === 'variable' ? `'${token.text}'` : `${token.kind} ${token.text}`;
}

/**
 * Translates `/pattern/flags` of a threshold expression.
 *
 * @param position - 1-based position of the opening `/` in the expression, for error messages.
 * @throws M365Error `EXPRESSION_SYNTAX` naming the position in the expression.
 */
export function compileRegex(pattern: string, flags: string, position: number): CompiledRegex {
  if (pattern === '') throw createSyntaxError(position, 'empty regex: Perl would reuse the last matched pattern');
  return compilePerlRegex(
    pattern,
    flags,
    {
      invalid: (index, detail) => createSyntaxError(position + 1 + index, detail),
      unsupported: (index, construct) =>
        createSyntaxError(position + 1 + index, `${construct} is not supported (linear-time matching)`),
    },
    true,
  );
}
