import {
  HEALTH_CRITICAL,
  HEALTH_OK,
  HEALTH_UNKNOWN,
  HEALTH_WARNING,
  type Health,
  type Service,
} from '../health/model.ts';
import { M365Error, toM365Error, type ErrorCode } from '../errors.ts';
import type { EntryVariables } from '../health/entry-variables.ts';

/** An entry of the Graph-language check or a legacy row (its variables) with the state its expressions gave it. */
export interface EvaluatedEntry {
  readonly variables: EntryVariables;
  readonly state: Health;
}

/** What a run found, in either language. */
export type PluginResult =
  | { readonly kind: 'graph'; readonly entries: readonly EvaluatedEntry[] }
  | { readonly kind: 'legacy'; readonly services: readonly EvaluatedLegacyService[] };

/**
 * Formats a run the way the Centreon plugin does. Graph language: entries' messages grouped by state
 * (`CRITICAL: a - b WARNING: c`), `OK: All services are ok` when several entries are all OK, the entry itself
 * when there is only one. Legacy language: see {@link formatLegacyOutput}. Pure.
 */
export function formatPluginOutput(result: PluginResult, options: PluginOutputOptions): PluginOutput {
  if (result.kind === 'legacy') return formatLegacyOutput(result.services, options);
  if (result.entries.length === 0) return formatUnknown(NO_SERVICES_FOUND);
  const short = createShortOutput();
  const states = result.entries.map((entry) => entry.state);
  const state = worstState(states);
  for (const entry of result.entries) {
    if (entry.state !== HEALTH_OK) short.add(entry.state, formatEntry(entry));
  }
  short.add(HEALTH_OK, result.entries.length === 1 ? formatEntry(result.entries[0]) : 'All services are ok');
  const first = short.groups(state).join(' ') + (options.perfdata ? ` | ${formatStateCounts(states)}` : '');
  const long = options.verbose ? result.entries.map(formatEntry) : [];
  return { text: [first, ...long].join('\n') + '\n', exitCode: state };
}

/** `Service 'X' status is 'Y'`, plus ` [issue: classification, id, start, title]` when the entry is not OK. */
function formatEntry({ variables, state }: EvaluatedEntry): string {
  const text = `Service '${variables.service_name}' status is '${variables.status}'`;
  if (state === HEALTH_OK) return text;
  const { classification, issue_id, issue_startDateTime, issue_title } = variables;
  return `${text} [issue: ${classification}, ${issue_id}, ${issue_startDateTime}, ${issue_title}]`;
}

/** A service of the legacy output with its features. */
export interface EvaluatedLegacyService {
  readonly service: EvaluatedEntry;
  readonly features: readonly EvaluatedEntry[];
}

/** Indent of the long output lines under `Checking service '…'`. */
const INDENT = '    ';

/**
 * The legacy (Management API) output, as Centreon's grouped counters print it: the first line ends with ` |`
 * (no performance data unless asked for); `--verbose` adds `Checking service 'X'` and the indented status of
 * the service and of each feature.
 *
 * - one service: `OK: Service 'X' Status is 'Normal service' - All features status are ok`, or with a single
 *   feature `… - Feature 'F' Status is 'Normal service'`;
 * - several services: `OK: All services status are ok`;
 * - problems: `CRITICAL: Service 'X' Status is 'S' - Feature 'F' Status is 'S'`, or `Service 'X' Feature 'F' …`
 *   when only the feature has one.
 */
function formatLegacyOutput(services: readonly EvaluatedLegacyService[], options: PluginOutputOptions): PluginOutput {
  if (services.length === 0) return formatUnknown(NO_SERVICES_FOUND);
  const short = createShortOutput();
  const long: string[] = [];
  const several = services.length !== 1;
  if (several) short.add(HEALTH_OK, 'All services status are ok');
  for (const service of services) addService(service, several, short, long);
  const states = services.flatMap((service) => [
    service.service.state,
    ...service.features.map((feature) => feature.state),
  ]);
  const perfdata = options.perfdata ? [formatStateCounts(states)] : [];
  return formatCounterOutput(short, worstState(states), perfdata, options.verbose ? long : []);
}

function addService(
  { service, features }: EvaluatedLegacyService,
  several: boolean,
  short: ShortOutput,
  long: string[],
) {
  const name = service.variables.service_name;
  const addPrefixed = short.prefixed(`Service '${name}' `);
  long.push(`Checking service '${name}'`);
  const statusText = `Status is '${service.variables.status}'`;
  long.push(`${INDENT}${statusText}`);
  if (service.state !== HEALTH_OK) addPrefixed(service.state, statusText);
  else if (!several) addPrefixed(HEALTH_OK, statusText);
  if (features.length === 0) return;
  const severalFeatures = features.length !== 1;
  for (const { variables, state } of features) {
    const text = `Feature '${variables.feature_name}' Status is '${variables.status}'`;
    long.push(`${INDENT}${text}`);
    if (state !== HEALTH_OK) addPrefixed(state, text);
    if (!severalFeatures && !several) addPrefixed(HEALTH_OK, text);
  }
  if (severalFeatures && !several) short.add(HEALTH_OK, 'All features status are ok');
}

export interface PluginOutputOptions {
  /** Add the long output, one line per entry (`--verbose`). */
  readonly verbose: boolean;
  /** Append counts of entries per state after ` | `. */
  readonly perfdata: boolean;
}

/** The text to print (ending with a newline) and the exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
export interface PluginOutput {
  readonly text: string;
  readonly exitCode: Health;
}

/** The output when nothing was selected. */
const NO_SERVICES_FOUND = 'No services found.';

/** `UNKNOWN: <message>` on one line, exit 3: how every error ends a run. */
export function formatUnknown(message: string): PluginOutput {
  return { text: `UNKNOWN: ${message.replace(/\s*\n\s*/g, ' ')}\n`, exitCode: HEALTH_UNKNOWN };
}

/** Codes of an answer that was not what the API documents, rather than an error it returned. */
const ANSWERED_BADLY: ReadonlySet<ErrorCode> = new Set([
  'AUTH_BAD_RESPONSE',
  'GRAPH_BAD_RESPONSE',
  'GRAPH_ANSWER_TOO_LARGE',
]);

/** What is printed before the error's own message: the side that failed, by the code's prefix. */
function prefixOf(code: ErrorCode): string {
  const side = code.startsWith('AUTH_') ? 'Login' : code.startsWith('GRAPH_') ? 'Graph' : undefined;
  if (side === undefined) return '';
  return `${side} endpoint API ${ANSWERED_BADLY.has(code) ? 'answered badly' : 'returned an error'}: `;
}

/**
 * The sentence printed after `UNKNOWN: ` when a run fails: the error's own message (which says what to fix),
 * prefixed with the side that failed. Decode errors keep Centreon's `Cannot decode json response: …` wording;
 * throttling that outlasts `--timeout` says it is still throttled.
 */
export function describeCheckError(error: unknown, timeoutMs: number): string {
  const mapped = toM365Error(error);
  const { code } = mapped;
  const message =
    mapped.message.startsWith('still') && mapped.cause instanceof M365Error
      ? `${mapped.message} (last answer: ${mapped.cause.message})`
      : mapped.message;
  if (code === 'GRAPH_BAD_RESPONSE' && message.startsWith('Cannot decode json response')) return message;
  if (code === 'GRAPH_THROTTLED') {
    return `Graph endpoint API ${message.startsWith('still') ? message : `still throttled after retries: ${message}`}`;
  }
  if (code === 'TIMEOUT') return `No answer within --timeout=${timeoutMs / 1000} s: ${message}`;
  return `${prefixOf(code)}${message}`;
}

/** The label a plugin prints for each state, by its value. */
const STATE_LABELS: readonly string[] = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'];

/** Order of the message groups on the first line: CRITICAL, then WARNING, then UNKNOWN. */
const PROBLEM_ORDER: readonly Health[] = [HEALTH_CRITICAL, HEALTH_WARNING, HEALTH_UNKNOWN];

/**
 * The first line of a plugin's output under construction: one message per state, each grown by appending
 * pieces after ` - `, as Centreon's output object does.
 */
export interface ShortOutput {
  add(state: Health, message: string): void;
  /**
   * How the messages of one instance (a service, an application) are added (`run_multiple_prefix_output`): the
   * first of each state is glued to `prefix`, the next ones follow after ` - `.
   */
  prefixed(prefix: string): (state: Health, message: string) => void;
  /** `LABEL: messages` groups for the problems present, or just the OK group when the global state is OK. */
  groups(globalState: Health): string[];
}

/** Creates an empty {@link ShortOutput}. */
export function createShortOutput(): ShortOutput {
  const messages = new Map<Health, string>();
  const add = (state: Health, message: string, separator = ' - '): void => {
    const current = messages.get(state);
    messages.set(state, current === undefined ? message : `${current}${separator}${message}`);
  };
  return {
    add,
    prefixed(prefix) {
      const started = new Set<Health>();
      return (state, message) => {
        if (started.has(state)) return add(state, message);
        started.add(state);
        add(state, prefix);
        add(state, message, '');
      };
    },
    groups(globalState) {
      if (globalState === HEALTH_OK) return [`OK: ${messages.get(HEALTH_OK) ?? ''}`];
      return PROBLEM_ORDER.filter((state) => messages.has(state)).map(
        (state) => `${STATE_LABELS[state]}: ${messages.get(state)}`,
      );
    },
  };
}

/**
 * The output of Centreon's counter template: each group of the first line followed by a space, then `|` and the
 * performance data, each after a space; then the long output.
 */
export function formatCounterOutput(
  short: ShortOutput,
  state: Health,
  perfdata: readonly string[],
  long: readonly string[],
): PluginOutput {
  const first = `${short
    .groups(state)
    .map((group) => `${group} `)
    .join('')}|${perfdata.map((item) => ` ${item}`).join('')}`;
  return { text: `${[first, ...long].join('\n')}\n`, exitCode: state };
}

/** Performance data counting entries per state: `'ok'=3;;;0; 'warning'=0;;;0; …`. */
function formatStateCounts(states: readonly Health[]): string {
  const order: readonly Health[] = [HEALTH_OK, HEALTH_WARNING, HEALTH_CRITICAL, HEALTH_UNKNOWN];
  return order
    .map((state) => `'${STATE_LABELS[state].toLowerCase()}'=${states.filter((s) => s === state).length};;;0;`)
    .join(' ');
}

/** How bad each state is for the global result: CRITICAL > UNKNOWN > WARNING > OK (the plugin convention). */
const GRAVITY: Readonly<Record<Health, number>> = { 0: 0, 1: 1, 3: 2, 2: 3 };

/** The global state of a set of states; OK for none. */
export function worstState(states: Iterable<Health>): Health {
  let worst: Health = HEALTH_OK;
  for (const state of states) if (GRAVITY[state] > GRAVITY[worst]) worst = state;
  return worst;
}

/** Centreon's listing: `List services:` then `[service_id: X] [service_name: Y]` per service. Pure. */
export function formatServiceList(services: readonly Service[]): string {
  const lines = services.map((service) => `[service_id: ${service.id}] [service_name: ${service.name}]`);
  return ['List services:', ...lines].join('\n') + '\n';
}

/** The same listing as JSON: an array of `{service_id, service_name, status}`. Pure. */
export function formatServiceListJson(services: readonly Service[]): string {
  const rows = services.map((service) => ({
    service_id: service.id,
    service_name: service.name,
    status: service.rawStatus,
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}
