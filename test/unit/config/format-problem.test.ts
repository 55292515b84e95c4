import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatProblem } from '../../../src/config/index.ts';

test('formatProblem writes FILE:LINE:COLUMN: PATH: MESSAGE, leaving out what is unknown', () => {
  const problem = { file: 'c.yaml', line: 3, column: 7, path: 'tenants[0].name', message: 'must not be empty' };
  assert.equal(formatProblem(problem), 'c.yaml:3:7: tenants[0].name: must not be empty');
  assert.equal(formatProblem({ ...problem, path: '' }), 'c.yaml:3:7: must not be empty');
  assert.equal(
    formatProblem({ ...problem, line: undefined, column: undefined }),
    'c.yaml: tenants[0].name: must not be empty',
  );
});
