import { describeSource } from '../config/customer-sources.ts';
import { formatProblem, loadConfig } from '../config/index.ts';
import { EXIT_OK, EXIT_USAGE, type CliIo } from './io.ts';
import { parseCommandLine } from './usage.ts';

/** `m365-health validate --config FILE`: reports every problem of a config file, exit 2 when there is one. */
export async function validateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine('validate', argv, io, { config: { type: 'string', short: 'c' } }, (values) => {
    if (!values.config) throw new Error('--config FILE is required');
    return { file: values.config };
  });
  if (typeof parsed === 'number') return parsed;
  const { file } = parsed;
  const result = await loadConfig(file, io.env);
  if (!result.ok) {
    for (const problem of result.problems) io.stderr(`${formatProblem(problem)}\n`);
    io.stderr(`${file}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}\n`);
    return EXIT_USAGE;
  }
  for (const warning of result.config.warnings) io.stderr(`warning: ${warning}\n`);
  const count = result.config.tenants.length;
  const sources = result.config.customerSources ?? [];
  const more =
    sources.length === 0 ? '' : ' and the customers of the partner tenants below, listed when the agent runs';
  io.stdout(`${file}: valid, ${count} tenant${count === 1 ? '' : 's'}${more}\n`);
  for (const source of sources) io.stdout(`${describeSource(source)}\n`);
  return EXIT_OK;
}
