import { sleep } from '../shared/sleep.ts';
import { CHECK_USAGE } from '../check/check-usage.ts';
import { parseCheckCommand, type CheckMode, type CheckOptions } from '../check/check-options.ts';
import {
  describeCheckError,
  formatPluginOutput,
  formatServiceList,
  formatServiceListJson,
  formatUnknown,
  type PluginOutput,
} from '../check/format-plugin-output.ts';
import {
  compileStatusRules,
  evaluateCheck,
  selectListedServices,
  warnUnknownVariables,
} from '../check/check-entries.ts';
import { readTenantApplications, readTenantHealth, type CheckRuntime } from '../check/read-tenant-health.ts';
import { checkAppCredentials, compileCredentialRules } from '../check/app-credentials.ts';
import type { CliIo, Command } from './io.ts';

/** What the commands use when not told otherwise: the real network and clock. */
export type CheckSeams = Pick<CheckRuntime, 'fetch' | 'sharedStatefileDirs'>;

/** `m365-health check`: the Centreon service-status check. Returns the plugin's exit status (0–3). */
export const checkCommand: Command = (argv, io) => runPluginCommand(argv, io, 'service-status');

/** `m365-health list-services`: the tenant's services, as text or JSON. */
export const listServicesCommand: Command = (argv, io) => runPluginCommand(argv, io, 'list-services');

/**
 * Runs `check` or `list-services` (or whatever `--mode` says). Every failure is one `UNKNOWN: …` line on
 * stdout and exit status 3, as a monitoring plugin must.
 */
export async function runPluginCommand(
  argv: readonly string[],
  io: CliIo,
  defaultMode: CheckMode,
  seams: CheckSeams = {},
): Promise<number> {
  let options: CheckOptions;
  try {
    const parsed = parseCheckCommand(argv, defaultMode, io.env);
    if (parsed.kind === 'help') {
      io.stdout(CHECK_USAGE);
      return 0;
    }
    options = parsed.options;
    for (const warning of options.warnings) io.stderr(`warning: ${warning}\n`);
  } catch (error) {
    return print(io, formatUnknown(describeCheckError(error, 0)));
  }
  try {
    return print(io, await runMode(options, createRuntime(io, seams), io));
  } catch (error) {
    return print(io, formatUnknown(describeCheckError(error, options.timeoutMs)));
  }
}

/** What the mode of `options` prints; like Centreon, `--debug` also shows the long output. */
async function runMode(options: CheckOptions, runtime: CheckRuntime, io: CliIo): Promise<PluginOutput> {
  const verbose = options.verbose || options.debug;
  const credentials = options.appCredentials;
  if (credentials !== undefined) {
    const rules = compileCredentialRules(credentials);
    const applications = await readTenantApplications(options, runtime);
    const run = { nowMs: runtime.clock(), verbose, debug: options.debug };
    return checkAppCredentials(applications, credentials, rules, run);
  }
  if (options.mode === 'list-services') {
    const { services } = await readTenantHealth(options, runtime);
    const listed = selectListedServices(services, options.listFilter, options.filters);
    return { text: options.json ? formatServiceListJson(listed) : formatServiceList(listed), exitCode: 0 };
  }
  const rules = compileStatusRules(options.rules);
  for (const warning of warnUnknownVariables(rules, options.customMode)) io.stderr(`${warning}\n`);
  const { services } = await readTenantHealth(options, runtime);
  const result = evaluateCheck(services, options.customMode, options.filters, rules);
  return formatPluginOutput(result, { verbose, perfdata: options.perfdata });
}

function print(io: CliIo, output: PluginOutput): number {
  io.stdout(output.text);
  return output.exitCode;
}

function createRuntime(io: CliIo, seams: CheckSeams): CheckRuntime {
  const stop = new AbortController();
  void io.stopRequested.then((signal) => stop.abort(new Error(`stopped by ${signal}`)));
  return {
    ...seams,
    clock: Date.now,
    sleep,
    env: io.env,
    cwd: io.cwd,
    debug: (line) => io.stderr(`${line}\n`),
    signal: stop.signal,
  };
}
