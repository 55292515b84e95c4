import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { M365Error } from '../errors.ts';
import { checkScenarioReferences } from './scenario-refs.ts';
import { ScenarioReader, type ScenarioProblem } from './scenario-reader.ts';
import { readScenario, type Scenario } from './scenario-schema.ts';

/** Where the demo scenario ships, next to the package's other example configuration. */
export const DEFAULT_SCENARIO_URL = new URL('../../config/scenarios/demo.yaml', import.meta.url);

/**
 * Parses and strictly validates a scenario written in YAML. Every problem is reported at once, each with its
 * dotted path and line, in one `M365Error('SCENARIO_INVALID')` whose `cause` is the list of problems.
 */
export function parseScenario(text: string, source = 'scenario'): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    // The first line of a YAML syntax error, without the position the report gives anyway.
    const message = (e: Error) => e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw invalid(
      source,
      doc.errors.map((e) => ({ path: '', message: message(e), line: e.linePos?.[0].line })),
    );
  }
  // Relative file names in a scenario start from its file's directory, else from the working directory.
  const reader = new ScenarioReader(source === 'scenario' ? process.cwd() : dirname(resolve(source)));
  const scenario = readScenario(reader, doc.toJS());
  if (scenario && reader.problems.length === 0) checkScenarioReferences(reader, scenario);
  if (scenario && reader.problems.length === 0) return scenario;
  throw invalid(
    source,
    reader.problems.map((p) => ({ ...p, line: lineOf(doc, lines, p) })),
  );
}

/** Reads and parses a scenario file. */
export async function loadScenario(path: string | URL): Promise<Scenario> {
  const source = path instanceof URL ? fileURLToPath(path) : path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new M365Error('SCENARIO_INVALID', `Cannot read scenario ${source}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseScenario(text, source);
}

/** The embedded demo scenario (`config/scenarios/demo.yaml`). */
export function loadDefaultScenario(): Promise<Scenario> {
  return loadScenario(DEFAULT_SCENARIO_URL);
}

type LocatedProblem = ScenarioProblem & { line: number | undefined };

/** One error listing every problem once, in file order. */
function invalid(source: string, problems: LocatedProblem[]): M365Error {
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const lines = problems.map(({ path, line, message }) => {
    const at = line === undefined ? '' : `line ${line}`;
    return `  - ${path === '' ? at || '(root)' : at ? `${path} (${at})` : path}: ${message}`;
  });
  const text = [...new Set(lines)].join('\n');
  return new M365Error('SCENARIO_INVALID', `Invalid scenario ${source}:\n${text}`, { cause: problems });
}

/** The line of the deepest node that exists along the problem's path. */
function lineOf(doc: Document, lines: LineCounter, problem: ScenarioProblem): number | undefined {
  const keys = problem.path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '');
  const path = keys.map((k) => (/^\d+$/.test(k) ? Number(k) : k));
  for (let depth = path.length; depth > 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}
