import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { M365Error } from '../errors.ts';
import { findCatalogueService } from './catalogue.ts';
import { join, ScenarioReader, type ScenarioProblem } from './scenario-reader.ts';
import { readScenario, type Scenario, type ScenarioTenant } from './scenario-schema.ts';

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

export async function loadScenario(path: string | URL): Promise<Scenario> {
  const source = path instanceof URL ? fileURLToPath(path) : path;
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new M365Error('SCENARIO_INVALID', `Cannot read scenario ${source}: ${(error as Error).message}`, {
      cause: error,
    });
  });
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

/** Checks what a single value cannot tell: unique names and ids, services and issues that exist, times in range. */
function checkScenarioReferences(r: ScenarioReader, scenario: Scenario): void {
  const { tenants } = scenario;
  checkUnique(r, 'tenants', tenants, { name: 'tenant name', tenant_id: 'tenant id', domain: 'domain' });
  tenants.forEach((tenant, i) => {
    const path = join('tenants', i);
    checkUnique(r, `${path}.clients`, tenant.clients, { client_id: 'client id' });
    checkUnique(r, `${path}.issues`, tenant.issues, { id: 'issue id' });
    checkUnique(r, `${path}.messages`, tenant.messages, { id: 'message id' });
    tenant.issues.forEach((issue, j) => checkService(r, `${path}.issues[${j}].service`, issue.service, tenant));
  });
  const known = new Map(tenants.map((t) => [t.name, { tenant: t, ids: new Set(t.issues.map((x) => x.id)) }]));
  const order = scenario.timeline.map((entry, index) => ({ entry, index })).sort((a, b) => a.entry.atMs - b.entry.atMs);
  for (const { entry, index } of order) {
    const path = join('timeline', index);
    if (scenario.loopMs !== undefined && entry.atMs >= scenario.loopMs) {
      r.fail(join(path, 'at'), `must be before the end of the loop (${scenario.loopMs / 1000}s)`);
    }
    for (const name of entry.tenants) {
      const { tenant, ids } = known.get(name) ?? {};
      if (!tenant || !ids) r.fail(join(path, 'tenant'), `unknown tenant '${name}'`);
      else if (entry.action.type === 'open') {
        const { id, service } = entry.action.issue;
        if (ids.has(id)) r.fail(`${path}.open.id`, `issue '${id}' already exists in tenant '${name}'`);
        checkService(r, `${path}.open.service`, service, tenant);
        ids.add(id);
      } else if (!ids.has(entry.action.id)) {
        const message = `issue '${entry.action.id}' is not opened before this point in tenant '${name}'`;
        r.fail(`${path}.${entry.action.type}.id`, message);
      }
    }
  }
}

/** Each field (by its YAML key, and what it is called in the message) has no value twice in the list. */
function checkUnique<T extends object>(r: ScenarioReader, path: string, items: readonly T[], fields: object): void {
  for (const [key, what] of Object.entries(fields) as [string, string][]) {
    const name = key.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()) as keyof T;
    const seen = new Set<unknown>();
    items.forEach((item, i) => {
      const value = item[name];
      if (value !== undefined && seen.has(value))
        r.fail(`${path}[${i}].${key}`, `duplicate ${what} '${String(value)}'`);
      seen.add(value);
    });
  }
}

function checkService(r: ScenarioReader, path: string, id: string, tenant: ScenarioTenant): void {
  if (!findCatalogueService(id)) r.fail(path, `unknown service id '${id}'`);
  else if (!tenant.services.includes(id)) {
    r.fail(path, `service '${id}' is not among the services of tenant '${tenant.name}'`);
  }
}
