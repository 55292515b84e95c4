import { parseKeyValueList, readEnv, sectionOf, type Environment } from './values.ts';
import { reportProblem } from './problems.ts';
import type { ProblemSink } from './problems.ts';

const HEADERS_VARIABLE = 'OTEL_EXPORTER_OTLP_HEADERS';
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FORBIDDEN_IN_VALUE = /[\0\r\n]/;

/**
 * The exporter's HTTP headers: those of `OTEL_EXPORTER_OTLP_HEADERS`, then `exporter.headers` of the file, which
 * wins per header name (compared ignoring case), as the OpenTelemetry SDK merges them. Values are never put in
 * messages.
 */
export function resolveHeaders(rawHeaders: unknown, env: Environment, sink: ProblemSink): Record<string, string> {
  const merged = new Map<string, [string, string]>();
  for (const [name, value] of headersFromEnv(env, sink)) merged.set(name.toLowerCase(), [name, value]);
  for (const [name, value] of Object.entries(sectionOf(rawHeaders))) {
    if (typeof value !== 'string') continue;
    if (!TOKEN.test(name)) reportProblem(sink, ['exporter', 'headers'], invalidNameMessage(name), { atKey: name });
    else if (FORBIDDEN_IN_VALUE.test(value)) {
      reportProblem(sink, ['exporter', 'headers', name], 'the value contains a line break or NUL');
    } else merged.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(merged.values());
}

function headersFromEnv(env: Environment, sink: ProblemSink): [string, string][] {
  const text = readEnv(env, HEADERS_VARIABLE);
  if (text === undefined) return [];
  const list = parseKeyValueList(text);
  const problems = list.ok
    ? list.entries.map(([name, value]) => headerProblem(name, value)).filter((p) => p !== undefined)
    : [list.message];
  for (const problem of problems) {
    reportProblem(sink, ['exporter', 'headers'], `${HEADERS_VARIABLE}: ${problem}`, { outsideFile: true });
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
