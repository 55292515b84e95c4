import { HEALTH_CRITICAL, HEALTH_OK, HEALTH_UNKNOWN, HEALTH_WARNING, type Health } from '../health/model.ts';

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
export const NO_SERVICES_FOUND = 'No services found.';

/** `UNKNOWN: <message>` on one line, exit 3: how every error ends a run. */
export function formatUnknown(message: string): PluginOutput {
  return { text: `UNKNOWN: ${message.replace(/\s*\n\s*/g, ' ')}\n`, exitCode: HEALTH_UNKNOWN };
}

/** The label a plugin prints for each state. */
export const STATE_LABELS: Readonly<Record<Health, string>> = Object.freeze({
  0: 'OK',
  1: 'WARNING',
  2: 'CRITICAL',
  3: 'UNKNOWN',
});

/** Order of the message groups on the first line: CRITICAL, then WARNING, then UNKNOWN. */
const PROBLEM_ORDER: readonly Health[] = [HEALTH_CRITICAL, HEALTH_WARNING, HEALTH_UNKNOWN];

/**
 * The first line of a plugin's output under construction: one message per state, each grown by appending
 * pieces after a separator (` - ` unless told otherwise), as Centreon's output object does.
 */
export interface ShortOutput {
  add(state: Health, message: string, separator?: string): void;
  /** `LABEL: messages` groups for the problems present, or just the OK group when the global state is OK. */
  groups(globalState: Health): string[];
}

/** Creates an empty {@link ShortOutput}. */
export function createShortOutput(): ShortOutput {
  const messages = new Map<Health, string>();
  return {
    add(state, message, separator = ' - ') {
      const current = messages.get(state);
      messages.set(state, current === undefined ? message : `${current}${separator}${message}`);
    },
    groups(globalState) {
      if (globalState === HEALTH_OK) return [`OK: ${messages.get(HEALTH_OK) ?? ''}`];
      return PROBLEM_ORDER.filter((state) => messages.has(state)).map(
        (state) => `${STATE_LABELS[state]}: ${messages.get(state)}`,
      );
    },
  };
}

/** Performance data counting entries per state: `'ok'=3;;;0; 'warning'=0;;;0; …`. */
export function formatStateCounts(states: readonly Health[]): string {
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
