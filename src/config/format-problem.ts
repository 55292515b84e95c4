import type { ConfigProblem } from './types.ts';

/**
 * Formats a problem as `FILE:LINE:COLUMN: PATH: MESSAGE`, the way compilers do, so editors can jump to it. The path
 * is left out for problems at the root, the line and column for problems outside the file (environment variables).
 */
export function formatProblem(problem: ConfigProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  return problem.path === '' ? `${where}: ${problem.message}` : `${where}: ${problem.path}: ${problem.message}`;
}
