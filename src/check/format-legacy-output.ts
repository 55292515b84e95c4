import { HEALTH_OK, type Health } from '../health/model.ts';
import {
  NO_SERVICES_FOUND,
  createShortOutput,
  formatStateCounts,
  formatUnknown,
  type PluginOutput,
  type PluginOutputOptions,
  type ShortOutput,
  worstState,
} from './plugin-output.ts';

/** A legacy row (service or feature) with the state its expressions gave it. */
export interface EvaluatedLegacyRow {
  readonly name: string;
  readonly status: string;
  readonly state: Health;
}

/** A service of the legacy output with its features. */
export interface EvaluatedLegacyService {
  readonly service: EvaluatedLegacyRow;
  readonly features: readonly EvaluatedLegacyRow[];
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
export function formatLegacyOutput(
  services: readonly EvaluatedLegacyService[],
  options: PluginOutputOptions,
): PluginOutput {
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
  const state = worstState(states);
  const first =
    short
      .groups(state)
      .map((group) => `${group} `)
      .join('') +
    '|' +
    (options.perfdata ? ` ${formatStateCounts(states)}` : '');
  return { text: [first, ...(options.verbose ? long : [])].join('\n') + '\n', exitCode: state };
}

function addService(service: EvaluatedLegacyService, several: boolean, short: ShortOutput, long: string[]): void {
  const prefix = `Service '${service.service.name}' `;
  const prefixed = new Set<Health>();
  // The first message of a state for this service carries the service prefix, glued without a separator.
  const addPrefixed = (state: Health, message: string): void => {
    if (prefixed.has(state)) return short.add(state, message);
    prefixed.add(state);
    short.add(state, prefix);
    short.add(state, message, '');
  };
  long.push(`Checking service '${service.service.name}'`);
  const statusText = `Status is '${service.service.status}'`;
  long.push(`${INDENT}${statusText}`);
  if (service.service.state !== HEALTH_OK) addPrefixed(service.service.state, statusText);
  else if (!several) addPrefixed(HEALTH_OK, statusText);
  if (service.features.length === 0) return;
  const severalFeatures = service.features.length !== 1;
  for (const feature of service.features) {
    const text = `Feature '${feature.name}' Status is '${feature.status}'`;
    long.push(`${INDENT}${text}`);
    if (feature.state !== HEALTH_OK) addPrefixed(feature.state, text);
    if (!severalFeatures && !several) addPrefixed(HEALTH_OK, text);
  }
  if (severalFeatures && !several) short.add(HEALTH_OK, 'All features status are ok');
}
