import { type ProblemSink, reportProblem } from './problems.ts';
import type { OtlpSignal } from './types.ts';
import { type Environment, otlpVariable, parseKeyValueList, readEnv, sectionOf } from './values.ts';

/** The exporter's headers, as {@link readExporterHeaders} reads them. */
export type ExporterHeaders = ReturnType<typeof readExporterHeaders>;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FORBIDDEN_IN_VALUE = /[\0\r\n]/;

/**
 * The exporter's HTTP headers, for every signal (`all`) or for one (`of(signal)`): those of `OTEL_EXPORTER_OTLP_HEADERS`,
 * then those of the signal's own variable, then `exporter.headers` of the file, each winning per header name
 * (compared ignoring case), as the OpenTelemetry SDK merges them. `of(signal)` is `undefined` when the signal has no
 * variable of its own. Values are never put in messages.
 */
export function readExporterHeaders(rawHeaders: unknown, env: Environment, sink: ProblemSink) {
  const fromFile: [string, string][] = [];
  for (const [name, value] of Object.entries(sectionOf(rawHeaders))) {
    if (typeof value !== 'string') continue;
    if (!TOKEN.test(name)) reportProblem(sink, ['exporter', 'headers'], invalidNameMessage(name), { atKey: name });
    else if (FORBIDDEN_IN_VALUE.test(value)) {
      reportProblem(sink, ['exporter', 'headers', name], 'the value contains a line break or NUL');
    } else fromFile.push([name, value]);
  }
  const common = headersFromEnv(env, otlpVariable('HEADERS'), sink);
  const merge = (...lists: [string, string][][]) => {
    const merged = new Map<string, [string, string]>();
    for (const [name, value] of lists.flat()) merged.set(name.toLowerCase(), [name, value]);
    return Object.fromEntries(merged.values());
  };
  const of = (signal: OtlpSignal): Record<string, string> | undefined => {
    const own = headersFromEnv(env, otlpVariable('HEADERS', signal), sink);
    return own && merge(common ?? [], own, fromFile);
  };
  return { all: merge(common ?? [], fromFile), of };
}

/** The headers of `variable`; `undefined` when it is unset, `[]` when it is invalid (each problem reported). */
function headersFromEnv(env: Environment, variable: string, sink: ProblemSink): [string, string][] | undefined {
  const text = readEnv(env, variable);
  if (text === undefined) return undefined;
  const list = parseKeyValueList(text);
  const problems = list.ok
    ? list.entries.map(([name, value]) => headerProblem(name, value)).filter((p) => p !== undefined)
    : [list.message];
  for (const problem of problems) {
    reportProblem(sink, ['exporter', 'headers'], `${variable}: ${problem}`, { outsideFile: true });
  }
  return list.ok && problems.length === 0 ? list.entries : [];
}

function invalidNameMessage(name: string): string {
  return `${JSON.stringify(name)} is not a valid HTTP header name`;
}

function headerProblem(name: string, value: string): string | undefined {
  if (!TOKEN.test(name)) return invalidNameMessage(name);
  if (FORBIDDEN_IN_VALUE.test(value)) return `the value of ${JSON.stringify(name)} contains a line break or NUL`;
  return undefined;
}
