import { M365Error } from '../../errors.ts';

/**
 * Builds the error thrown for a malformed threshold expression.
 *
 * @param position - 1-based character position in the expression text.
 * @param detail - what was expected and what was found, e.g. `expected an operand, found '&&'`.
 */
export function createSyntaxError(position: number, detail: string): M365Error {
  return new M365Error('EXPRESSION_SYNTAX', `syntax error at position ${position}: ${detail}`);
}
