import { isPlainObject, quoteValue, reportProblem, type ProblemSink } from './problems.ts';
import type { PathSegment } from './yaml-source.ts';

/** Environment variables as passed to the loader. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * One setting as found: its raw value, the config path it belongs to, and the environment variable it came from
 * when the file does not set it.
 */
export interface Setting {
  raw: unknown;
  at: readonly PathSegment[];
  /** Set when the value comes from this environment variable rather than from the file. */
  variable: string | undefined;
}

/** The entries of a mapping section, or none when it is absent, empty (`null`) or of the wrong type. */
export function sectionOf(value: unknown): Readonly<Record<string, unknown>> {
  return isPlainObject(value) ? value : {};
}

/** An environment variable's value; unset and empty are the same, as the OpenTelemetry specification asks. */
export function readEnv(env: Environment, variable: string): string | undefined {
  const value = env[variable]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** The setting `key` of `section`: the file's value if present, else `variable` from the environment, else none. */
export function pickSetting(
  section: Readonly<Record<string, unknown>>,
  at: readonly PathSegment[],
  key: string,
  env?: Environment,
  variable?: string,
): Setting | undefined {
  if (section[key] !== undefined) return { raw: section[key], at: [...at, key], variable: undefined };
  const fromEnv = env === undefined || variable === undefined ? undefined : readEnv(env, variable);
  return fromEnv === undefined ? undefined : { raw: fromEnv, at: [...at, key], variable };
}

/** The value as a message shows it: `"5 minutes"`, or `OTEL_X="abc"` for one from the environment. */
export function showSetting(setting: Setting): string {
  const quoted = quoteValue(setting.raw, setting.at);
  return setting.variable === undefined ? quoted : `${setting.variable}=${quoted}`;
}

/** Reports a problem with a setting: at its place in the file, or without a line when it came from the environment. */
export function reportSetting(sink: ProblemSink, setting: Setting, message: string): void {
  reportProblem(sink, setting.at, message, { outsideFile: setting.variable !== undefined });
}
