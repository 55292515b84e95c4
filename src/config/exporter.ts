import { CONFIG_DEFAULTS } from './defaults.ts';
import { resolveExporterTls } from './exporter-tls.ts';
import type { FileSources } from './files.ts';
import { type ProblemSink, reportProblem, reportWarning } from './problems.ts';
import type { ConfigProblem, ExporterConfig, OtlpSignal, OtlpTarget, SignalSettings } from './types.ts';
import {
  checkEndpointUrl,
  checkTimeoutFits,
  type Environment,
  MAX_DURATION_MS,
  otlpVariable,
  parseKeyValueList,
  pickSetting,
  readDuration,
  readEndpointUrl,
  readEnv,
  reportSetting,
  sectionOf,
  type Setting,
  showSetting,
  type TimedValue,
} from './values.ts';

const EXPORT_LIMITS = { min: 1, max: MAX_DURATION_MS };

/** The signals exported over OTLP. */
const SIGNALS: readonly OtlpSignal[] = ['metrics', 'logs'];

/**
 * Resolves the `exporter` section and the OpenTelemetry variables of the OTLP exporter. Each setting is taken from
 * the file if present, else from the signal's own variable (`OTEL_EXPORTER_OTLP_METRICS_*`, `…_LOGS_*`), else from
 * the variable of every signal, else from {@link CONFIG_DEFAULTS}; the table of `docs/setup.md` lists them.
 * Headers merge per name instead: every signal's variable, then the signal's own, then the file.
 *
 * The SDK's exporters read these variables too, but a bad value there is a diagnostic message and a silent
 * fallback to the default, while a bad value here must stop the agent (exit 2) with the variable named; and the
 * file, which the SDK does not know, must come first. So every one is read here, and the exporters are given every
 * setting, which leaves what they read themselves without effect. A variable the file overrides is not read, so it
 * cannot make the configuration invalid.
 */
export function resolveExporter(
  raw: unknown,
  env: Environment,
  sources: FileSources,
  sink: ProblemSink,
): ExporterConfig {
  const first = { problems: sink.problems.length, warnings: sink.warnings.length };
  const section = sectionOf(raw);
  const pick = (key: string, variable: string): Setting | undefined =>
    pickSetting(section, ['exporter'], key, env, variable);
  const d = CONFIG_DEFAULTS.exporter;
  const endpoint = readEndpointUrl(pick('endpoint', otlpVariable('ENDPOINT')), d.endpoint, sink);
  const protocol = readChoice(pick('protocol', otlpVariable('PROTOCOL')), PROTOCOLS, sink) ?? d.protocol;
  const headers = readExporterHeaders(section['headers'], env, sink);
  const timing = readTiming(pick('interval', 'OTEL_METRIC_EXPORT_INTERVAL'), sink);
  const exporter: ExporterConfig = {
    endpoint,
    protocol,
    headers: headers.all,
    intervalMs: timing.intervalMs,
    timeoutMs: timing.readTimeout(pick('timeout', otlpVariable('TIMEOUT')), true) ?? d.timeoutMs(timing.intervalMs),
    compression: readChoice(pick('compression', otlpVariable('COMPRESSION')), COMPRESSIONS, sink) ?? d.compression,
    temporality:
      readChoice(pick('temporality', 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE'), TEMPORALITIES, sink) ??
      d.temporality,
  };
  const tls = resolveExporterTls(sectionOf(section['tls']), env, sources, sink);
  if (tls) exporter.tls = tls;
  for (const signal of SIGNALS) {
    const own = resolveSignal(section, env, signal, { sources, sink, headers, timing });
    if (own) exporter[signal] = own;
  }
  const exportTimeout = readEnv(env, 'OTEL_METRIC_EXPORT_TIMEOUT');
  if (exportTimeout !== undefined) {
    const setting = { raw: exportTimeout, at: ['exporter'], variable: 'OTEL_METRIC_EXPORT_TIMEOUT' };
    exporter.exportTimeoutMs = timing.readTimeout(setting, true);
  }
  if (readSdkDisabled(env, sink)) exporter.disabled = true;
  warnOfPlainHttpTls(exporter, sink);
  // Each signal's TLS reads again the files of every signal's: their problems are told once.
  dropRepeats(sink.problems, first.problems);
  dropRepeats(sink.warnings, first.warnings);
  return exporter;
}

/** The metric export interval, and a reader of timeouts that checks those bounded by it. */
function readTiming(interval: Setting | undefined, sink: ProblemSink) {
  const d = CONFIG_DEFAULTS.exporter;
  const at: TimedValue = interval
    ? { ms: readDuration(interval, EXPORT_LIMITS, sink), origin: interval.variable }
    : { ms: d.intervalMs, origin: 'default' };
  const readTimeout = (setting: Setting | undefined, boundedByInterval: boolean): number | undefined => {
    const ms = setting && readDuration(setting, EXPORT_LIMITS, sink);
    if (setting && boundedByInterval) checkTimeoutFits(at, { ms, origin: setting.variable }, 'export', setting, sink);
    return ms;
  };
  return { intervalMs: at.ms ?? d.intervalMs, readTimeout };
}

/**
 * What a signal's own variables set, `undefined` when none is. Only they can: the file's keys apply to every signal
 * and win over their variables. The metrics' timeout must fit the export interval; the events' need not.
 */
function resolveSignal(
  section: Readonly<Record<string, unknown>>,
  env: Environment,
  signal: OtlpSignal,
  from: {
    sources: FileSources;
    sink: ProblemSink;
    headers: ExporterHeaders;
    timing: ReturnType<typeof readTiming>;
  },
): SignalSettings | undefined {
  const { sink } = from;
  const own = (key: string, name: string) =>
    section[key] === undefined ? pickSetting({}, ['exporter'], key, env, otlpVariable(name, signal)) : undefined;
  const settings: SignalSettings = {
    url: readSignalUrl(own('endpoint', 'ENDPOINT'), sink),
    protocol: readChoice(own('protocol', 'PROTOCOL'), PROTOCOLS, sink),
    headers: from.headers.of(signal),
    timeoutMs: from.timing.readTimeout(own('timeout', 'TIMEOUT'), signal === 'metrics'),
    compression: readChoice(own('compression', 'COMPRESSION'), COMPRESSIONS, sink),
    tls: resolveExporterTls(sectionOf(section['tls']), env, from.sources, sink, signal),
  };
  const set = Object.entries(settings).filter(([, value]) => value !== undefined);
  return set.length === 0 ? undefined : Object.fromEntries(set);
}

/** What one signal is exported with: its own settings over those of every signal. */
export function exportTarget(exporter: ExporterConfig, signal: OtlpSignal): OtlpTarget {
  const own = exporter[signal] ?? {};
  return {
    url: own.url ?? `${exporter.endpoint}/v1/${signal}`,
    protocol: own.protocol ?? exporter.protocol,
    headers: own.headers ?? exporter.headers,
    timeoutMs: own.timeoutMs ?? exporter.timeoutMs,
    compression: own.compression ?? exporter.compression,
    tls: own.tls ?? exporter.tls,
  };
}

/** The header values of both signals' exports (API keys, tokens): what a log line must never print. */
export function exporterSecrets(exporter: ExporterConfig): string[] {
  return SIGNALS.flatMap((signal) => Object.values(exportTarget(exporter, signal).headers));
}

/** What the choice settings accept, here and in the schema. */
export const PROTOCOLS: readonly ExporterConfig['protocol'][] = ['http/protobuf', 'http/json'];
export const COMPRESSIONS: readonly ExporterConfig['compression'][] = ['none', 'gzip'];
export const TEMPORALITIES: readonly ExporterConfig['temporality'][] = ['cumulative', 'delta', 'lowmemory'];

/**
 * One of `choices`, or `undefined` when unset or not one. Values from the file were checked by the schema; values
 * from the environment are compared ignoring case, as the specification allows, and reported when not supported.
 */
function readChoice<T extends string>(
  setting: Setting | undefined,
  choices: readonly T[],
  sink: ProblemSink,
): T | undefined {
  if (setting === undefined || typeof setting.raw !== 'string') return undefined;
  const value = setting.variable === undefined ? setting.raw : setting.raw.toLowerCase();
  const choice = choices.find((c) => c === value);
  if (choice !== undefined) return choice;
  if (setting.variable !== undefined) {
    reportSetting(sink, setting, `${showSetting(setting)} is not supported; use one of ${choices.join(', ')}`);
  }
  return undefined;
}

/** A signal's own URL, used as given (no path appended), once checked as every endpoint is. */
function readSignalUrl(setting: Setting | undefined, sink: ProblemSink): string | undefined {
  if (setting === undefined || typeof setting.raw !== 'string') return undefined;
  const checked = checkEndpointUrl(setting.raw);
  if (checked.ok) return new URL(setting.raw).href;
  reportSetting(sink, setting, checked.message, true);
  return undefined;
}

/**
 * `OTEL_SDK_DISABLED`, a boolean as the specification reads them: `true` in any case is true; anything else is
 * false, with a warning unless it is `false`.
 */
function readSdkDisabled(env: Environment, sink: ProblemSink): boolean {
  const value = readEnv(env, 'OTEL_SDK_DISABLED');
  const place = { outsideFile: true };
  if (value?.toLowerCase() === 'true') {
    const message =
      'OTEL_SDK_DISABLED=true: nothing is exported over OTLP; the agent still polls and serves its endpoints';
    reportWarning(sink, ['exporter'], message, place);
    return true;
  }
  if (value !== undefined && value.toLowerCase() !== 'false') {
    const message = `OTEL_SDK_DISABLED=${JSON.stringify(value)} is neither true nor false; read as false: telemetry is exported`;
    reportWarning(sink, ['exporter'], message, place);
  }
  return false;
}

/** Warns of TLS settings given for a signal sent over plain http://, where they do nothing. */
function warnOfPlainHttpTls(exporter: ExporterConfig, sink: ProblemSink): void {
  const plain = SIGNALS.filter((signal) => {
    const target = exportTarget(exporter, signal);
    return target.tls !== undefined && target.url.startsWith('http://');
  });
  if (plain.length === 0) return;
  const urls = [...new Set(plain.map((signal) => exporter[signal]?.url ?? exporter.endpoint))].join(' and ');
  reportWarning(sink, ['exporter', 'tls'], `TLS settings have no effect on the plain http:// endpoint ${urls}`);
}

/** Removes the entries after `from` that repeat an earlier one of them (same path and message). */
function dropRepeats(list: ConfigProblem[], from: number): void {
  const seen = new Set<string>();
  const kept = list.slice(from).filter((problem) => {
    const key = `${problem.path}\n${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  list.splice(from, list.length - from, ...kept);
}

/** The exporter's headers, as {@link readExporterHeaders} reads them. */
type ExporterHeaders = ReturnType<typeof readExporterHeaders>;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FORBIDDEN_IN_VALUE = /[\0\r\n]/;

/**
 * The exporter's HTTP headers, for every signal (`all`) or for one (`of(signal)`): those of `OTEL_EXPORTER_OTLP_HEADERS`,
 * then those of the signal's own variable, then `exporter.headers` of the file, each winning per header name
 * (compared ignoring case), as the OpenTelemetry SDK merges them. `of(signal)` is `undefined` when the signal has no
 * variable of its own. Values are never put in messages.
 */
function readExporterHeaders(rawHeaders: unknown, env: Environment, sink: ProblemSink) {
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
