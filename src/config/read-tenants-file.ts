import { checkStructure } from './check-structure.ts';
import type { CompileCache } from './compile-cache.ts';
import { isPlainObject, createProblemSink, reportProblem, type ProblemSink } from './problems.ts';
import { expandReferences, type ExpandSources } from './expand.ts';
import { describeReadError } from './files.ts';
import { parseYaml } from './yaml.ts';
import { TENANTS_FILE_SCHEMA } from './schema.ts';

/** One file of `tenants_from`: its problems (and source, to locate later ones), and the tenant entries it holds. */
export interface TenantsFile {
  sink: ProblemSink;
  /** The raw (expanded) entries of its `tenants` list; none when the file is not usable. */
  entries: readonly unknown[];
}

const SHAPE_MESSAGE =
  'a tenants file must be a mapping with a "tenants" list, like the config file, not a bare sequence; ' +
  'write "tenants:" above the list';

/**
 * Reads and parses a `tenants_from` file with the bounds and reference expansion of the config file (relative
 * `${file:…}` paths start from the config file's directory, as everywhere). Its one key is `tenants`, a list of at
 * least one tenant; the tenants are checked later, merged with the config file's. Its schema's validator comes from
 * `cache`. Never throws.
 */
export function readTenantsFile(file: string, sources: ExpandSources, cache: CompileCache): TenantsFile {
  const sink = createProblemSink(file);
  let text: string;
  try {
    text = sources.readFile(file);
  } catch (error) {
    reportProblem(sink, [], `cannot read the tenants file: ${describeReadError(error)}`);
    return { sink, entries: [] };
  }
  const parsed = parseYaml(text, sink);
  if (!parsed.ok) return { sink, entries: [] };
  if (parsed.value === null || parsed.value === undefined) {
    reportProblem(sink, [], 'the file is empty: a tenants file needs a "tenants" list');
    return { sink, entries: [] };
  }
  if (Array.isArray(parsed.value)) {
    reportProblem(sink, [], SHAPE_MESSAGE);
    return { sink, entries: [] };
  }
  const value = expandReferences(parsed.value, sources, sink);
  const before = sink.problems.length;
  checkStructure(value, sink, cache, TENANTS_FILE_SCHEMA);
  // A whole file that is one unexpandable reference was reported by the expansion, which hides the schema's word.
  if (sink.problems.length > before || !isPlainObject(value) || !Array.isArray(value['tenants']))
    return { sink, entries: [] };
  return { sink, entries: value['tenants'] };
}
