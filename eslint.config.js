// Type-aware linting of the whole project (typescript-eslint's recommended type-checked rules), plus the habits the
// code keeps: no module-level mutable state in src/, no floating promises (node:test's test/describe excepted).
import tseslint from 'typescript-eslint';

/**
 * What a module-level `new` may make: a table built from its entries (an empty one is a cache, reported as such) or
 * a value that holds no state.
 */
const NOT_STATE =
  ':not([callee.name=/^(Map|Set|URL|RegExp|TextEncoder|TextDecoder)$/])' +
  ':not([callee.name=/^(WeakMap|WeakSet)$/][arguments.length=0])';

/** Module-level state: a `let`, or a collection created at module level, outlives every instance and test. */
const MODULE_STATE = [
  {
    selector:
      'Program > VariableDeclaration[kind="let"], Program > ExportNamedDeclaration > VariableDeclaration[kind="let"]',
    message: 'No module-level `let` in src/: keep state in an instance that is passed in.',
  },
  {
    // An empty collection at module level is there to be filled: a cache or a registry. A table built from its
    // entries once (`new Map(LIST.map(…))`) is a constant and stays allowed.
    selector: [
      'Program > VariableDeclaration > VariableDeclarator > NewExpression[callee.name=/^(Map|Set|WeakMap|WeakSet)$/][arguments.length=0]',
      'Program > VariableDeclaration > VariableDeclarator > ArrayExpression[elements.length=0]',
      'Program > ExportNamedDeclaration > VariableDeclaration > VariableDeclarator > NewExpression[callee.name=/^(Map|Set|WeakMap|WeakSet)$/][arguments.length=0]',
    ].join(', '),
    message: 'No module-level cache in src/: a cache belongs to an instance that is passed in.',
  },
  {
    // Any other object made at module level (an interner, a pool, a client) is one instance for every tenant, agent
    // and test of the process. Allowed: tables built from their entries (`Map`/`Set`; empty ones are caches, above)
    // and values that hold no state of their own.
    selector: ['Program > VariableDeclaration', 'Program > ExportNamedDeclaration > VariableDeclaration']
      .map((declaration) => `${declaration} > VariableDeclarator > NewExpression${NOT_STATE}`)
      .concat(`Program > ExportDefaultDeclaration > NewExpression${NOT_STATE}`)
      .join(', '),
    message: 'A module-level instance is state shared by every user: create it in an owner and pass it in.',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/**/*.ts'], rules: { 'no-restricted-syntax': ['error', ...MODULE_STATE] } },
  {
    // A test's fakes stand in for async interfaces (a token provider, an HTTP client, a sleep) and answer at once, so
    // they have nothing to await; `async` is still right for them: a throw inside one must reject, as the real one's.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  { files: ['**/*.js', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
);
