/**
 * The layering of src/, checked in `npm test` (`npm run lint:layers`). Each folder may import only the folders
 * listed for it: dependencies point inward, towards `health/` (pure) and the leaves, and no two folders reach each
 * other. The README's development section draws the same arrows.
 */
const LEAVES = ['errors.ts', 'log.ts', 'version.ts', 'shared', 'catalogue', 'certificate'];

/** For each folder (or top-level module) of src/, the folders of src/ it may import. */
const MAY_IMPORT = {
  'main.ts': ['cli'],
  cli: ['agent', 'check', 'server', 'simulator', 'telemetry', 'observation', 'config', 'health'],
  agent: ['telemetry', 'graph', 'auth', 'net', 'observation', 'config', 'health'],
  check: ['graph', 'auth', 'net', 'config', 'health'],
  server: ['observation', 'health'],
  simulator: ['graph'],
  telemetry: ['observation', 'config', 'health'],
  observation: ['config', 'health'],
  graph: ['auth', 'net', 'health'],
  auth: ['net', 'config'],
  net: ['config'],
  config: ['health'],
  health: [],
  shared: [],
  catalogue: [],
  certificate: [],
};

const escape = (name) => name.replace(/\./g, '\\.');
const pathOf = (name) => (name.endsWith('.ts') ? `^src/${escape(name)}$` : `^src/${name}/`);

const layerRules = Object.entries(MAY_IMPORT).map(([from, allowed]) => {
  const leaves = ['shared', 'catalogue', 'certificate'].includes(from) || from === 'health' ? ['errors.ts'] : LEAVES;
  return {
    name: `layers-${from.replace('.ts', '')}`,
    comment: `src/${from} may import only ${[...allowed, ...leaves].join(', ') || 'itself'}`,
    severity: 'error',
    from: { path: pathOf(from) },
    to: { path: '^src/', pathNot: [pathOf(from), ...allowed.map(pathOf), ...leaves.map(pathOf)] },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment: 'Folders of src/ form no cycle: each one depends only on folders further in.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    { name: 'no-module-cycle', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
    ...layerRules,
    {
      name: 'otlp-is-a-leaf',
      comment:
        'telemetry/otlp/ (the OTLP/protobuf encoder and exporter) knows nothing of the agent: within src/ it imports only itself.',
      severity: 'error',
      from: { path: '^src/telemetry/otlp/' },
      to: { path: '^src/', pathNot: '^src/telemetry/otlp/' },
    },
    {
      name: 'health-has-no-io',
      comment: 'health/ is pure: statuses, evaluation, change detection, expressions; no I/O of any kind.',
      severity: 'error',
      from: { path: '^src/health/' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?(util|crypto)$' },
    },
    { name: 'no-test-code-in-src', severity: 'error', from: { path: '^src/' }, to: { path: '^(test|bench)/' } },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
