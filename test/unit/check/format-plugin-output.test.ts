import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  formatPluginOutput,
  formatUnknown,
  worstState,
  type EvaluatedEntry,
  type EvaluatedLegacyService,
} from '../../../src/check/format-plugin-output.ts';
import type { Health } from '../../../src/health/model.ts';

const QUIET = { verbose: false, perfdata: false };
const VERBOSE = { verbose: true, perfdata: false };
const NO_ISSUE = { classification: '-', id: '-', startDateTime: '-', title: '-' };

function entry(serviceName: string, status: string, state: Health, issue = NO_ISSUE): EvaluatedEntry {
  const { classification, id, startDateTime, title } = issue;
  const variables = { service_name: serviceName, status, classification, issue_id: id };
  return { variables: { ...variables, issue_startDateTime: startDateTime, issue_title: title }, state };
}

const TM1 = { classification: 'incident', id: 'TM1', startDateTime: '2025-09-30T07:15:00Z', title: 'Calls drop' };
const TM2 = { classification: 'advisory', id: 'TM2', startDateTime: '2025-09-30T08:00:00Z', title: 'Slow chat' };

function graph(...entries: EvaluatedEntry[]) {
  return { kind: 'graph' as const, entries };
}

describe('formatPluginOutput, Graph language (reference forms, verbatim)', () => {
  test('several critical entries are joined by " - "', () => {
    const output = formatPluginOutput(
      graph(
        entry('Microsoft Teams', 'serviceDegradation', 2, TM1),
        entry('Microsoft Teams', 'serviceDegradation', 2, TM2),
      ),
      QUIET,
    );
    assert.equal(
      output.text,
      "CRITICAL: Service 'Microsoft Teams' status is 'serviceDegradation' [issue: incident, TM1, 2025-09-30T07:15:00Z, Calls drop] - Service 'Microsoft Teams' status is 'serviceDegradation' [issue: advisory, TM2, 2025-09-30T08:00:00Z, Slow chat]\n",
    );
    assert.equal(output.exitCode, 2);
  });

  test('several entries all OK', () => {
    const output = formatPluginOutput(
      graph(entry('Exchange Online', 'serviceOperational', 0), entry('Microsoft Teams', 'serviceOperational', 0)),
      QUIET,
    );
    assert.equal(output.text, 'OK: All services are ok\n');
    assert.equal(output.exitCode, 0);
  });

  test('exactly one entry shows itself', () => {
    const output = formatPluginOutput(graph(entry('Exchange Online', 'serviceOperational', 0)), QUIET);
    assert.equal(output.text, "OK: Service 'Exchange Online' status is 'serviceOperational'\n");
  });

  test('a single non-OK entry without issue shows dashes', () => {
    const output = formatPluginOutput(graph(entry('Exchange Online', 'serviceDegradation', 1)), QUIET);
    assert.equal(
      output.text,
      "WARNING: Service 'Exchange Online' status is 'serviceDegradation' [issue: -, -, -, -]\n",
    );
    assert.equal(output.exitCode, 1);
  });

  test('both severities: CRITICAL group, then WARNING group; OK entries stay out of the first line', () => {
    const output = formatPluginOutput(
      graph(
        entry('Exchange Online', 'serviceOperational', 0),
        entry('Microsoft Teams', 'serviceDegradation', 1, TM2),
        entry('Microsoft Teams', 'serviceDegradation', 2, TM1),
      ),
      QUIET,
    );
    assert.equal(
      output.text,
      "CRITICAL: Service 'Microsoft Teams' status is 'serviceDegradation' [issue: incident, TM1, 2025-09-30T07:15:00Z, Calls drop] WARNING: Service 'Microsoft Teams' status is 'serviceDegradation' [issue: advisory, TM2, 2025-09-30T08:00:00Z, Slow chat]\n",
    );
    assert.equal(output.exitCode, 2);
  });

  test('UNKNOWN comes after WARNING on the line but wins over it for the exit status', () => {
    const output = formatPluginOutput(graph(entry('A', 'x', 3), entry('B', 'y', 1)), QUIET);
    assert.equal(
      output.text,
      "WARNING: Service 'B' status is 'y' [issue: -, -, -, -] UNKNOWN: Service 'A' status is 'x' [issue: -, -, -, -]\n",
    );
    assert.equal(output.exitCode, 3);
  });

  test('no entries', () => {
    assert.deepEqual(formatPluginOutput(graph(), QUIET), { text: 'UNKNOWN: No services found.\n', exitCode: 3 });
  });

  test('--verbose adds one line per entry, in order', () => {
    const output = formatPluginOutput(
      graph(entry('Exchange Online', 'serviceOperational', 0), entry('Microsoft Teams', 'serviceDegradation', 2, TM1)),
      VERBOSE,
    );
    assert.equal(
      output.text,
      [
        "CRITICAL: Service 'Microsoft Teams' status is 'serviceDegradation' [issue: incident, TM1, 2025-09-30T07:15:00Z, Calls drop]",
        "Service 'Exchange Online' status is 'serviceOperational'",
        "Service 'Microsoft Teams' status is 'serviceDegradation' [issue: incident, TM1, 2025-09-30T07:15:00Z, Calls drop]",
        '',
      ].join('\n'),
    );
  });

  test('--verbose with a single entry repeats it as the long line', () => {
    const output = formatPluginOutput(graph(entry('Exchange Online', 'serviceOperational', 0)), VERBOSE);
    assert.equal(
      output.text,
      "OK: Service 'Exchange Online' status is 'serviceOperational'\nService 'Exchange Online' status is 'serviceOperational'\n",
    );
  });

  test('--perfdata appends counts per state after " | "', () => {
    const output = formatPluginOutput(
      graph(entry('A', 'serviceOperational', 0), entry('B', 'serviceOperational', 0), entry('C', 'x', 2)),
      { verbose: false, perfdata: true },
    );
    assert.equal(
      output.text,
      "CRITICAL: Service 'C' status is 'x' [issue: -, -, -, -] | 'ok'=2;;;0; 'warning'=0;;;0; 'critical'=1;;;0; 'unknown'=0;;;0;\n",
    );
  });
});

/** A legacy row: a service's reads `service_name`, a feature's `feature_name`. */
function row(name: string, status: string, state: Health = 0): EvaluatedEntry {
  return { variables: { service_name: name, feature_name: name, status }, state };
}

const EXCHANGE_FEATURES = [
  'E-Mail and calendar access',
  'E-Mail timely delivery',
  'Management and Provisioning',
  'Sign-in',
  'Voice mail',
];

function exchange(features = EXCHANGE_FEATURES.map((name) => row(name, 'Normal service'))): EvaluatedLegacyService {
  return { service: row('Exchange Online', 'Normal service'), features };
}

function legacy(...services: EvaluatedLegacyService[]) {
  return { kind: 'legacy' as const, services };
}

describe('formatPluginOutput, legacy language (reference forms, verbatim)', () => {
  test("the seed's example output", () => {
    const output = formatPluginOutput(legacy(exchange()), VERBOSE);
    assert.equal(
      output.text,
      [
        "OK: Service 'Exchange Online' Status is 'Normal service' - All features status are ok |",
        "Checking service 'Exchange Online'",
        "    Status is 'Normal service'",
        "    Feature 'E-Mail and calendar access' Status is 'Normal service'",
        "    Feature 'E-Mail timely delivery' Status is 'Normal service'",
        "    Feature 'Management and Provisioning' Status is 'Normal service'",
        "    Feature 'Sign-in' Status is 'Normal service'",
        "    Feature 'Voice mail' Status is 'Normal service'",
        '',
      ].join('\n'),
    );
    assert.equal(output.exitCode, 0);
  });

  test('one service with one feature', () => {
    const output = formatPluginOutput(legacy(exchange([row('Sign-in', 'Normal service')])), QUIET);
    assert.equal(
      output.text,
      "OK: Service 'Exchange Online' Status is 'Normal service' - Feature 'Sign-in' Status is 'Normal service' |\n",
    );
  });

  test('one service without features', () => {
    const output = formatPluginOutput(legacy(exchange([])), QUIET);
    assert.equal(output.text, "OK: Service 'Exchange Online' Status is 'Normal service' |\n");
  });

  test('several services', () => {
    const skype = {
      service: row('Skype for Business', 'Normal service'),
      features: [row('Federation', 'Normal service')],
    };
    assert.equal(formatPluginOutput(legacy(exchange(), skype), QUIET).text, 'OK: All services status are ok |\n');
  });

  test('service and feature degraded', () => {
    const skype = {
      service: row('Skype for Business', 'Service degradation', 2),
      features: [row('Audio and Video', 'Service degradation', 2), row('Federation', 'Normal service')],
    };
    const output = formatPluginOutput(legacy(skype), QUIET);
    assert.equal(
      output.text,
      "CRITICAL: Service 'Skype for Business' Status is 'Service degradation' - Feature 'Audio and Video' Status is 'Service degradation' |\n",
    );
    assert.equal(output.exitCode, 2);
  });

  test('only the feature degraded', () => {
    const skype = {
      service: row('Skype for Business', 'Normal service'),
      features: [row('Audio and Video', 'Service degradation', 2), row('Federation', 'Normal service')],
    };
    assert.equal(
      formatPluginOutput(legacy(skype), QUIET).text,
      "CRITICAL: Service 'Skype for Business' Feature 'Audio and Video' Status is 'Service degradation' |\n",
    );
  });

  test('problems in several services, with a warning, keep each service prefix once per state', () => {
    const skype = {
      service: row('Skype for Business', 'Service degradation', 2),
      features: [row('Audio and Video', 'Service degradation', 2), row('Presence', 'Investigating', 1)],
    };
    const teams = {
      service: row('Microsoft Teams', 'Normal service'),
      features: [row('Presence', 'Service interruption', 2)],
    };
    const output = formatPluginOutput(legacy(exchange(), skype, teams), QUIET);
    assert.equal(
      output.text,
      "CRITICAL: Service 'Skype for Business' Status is 'Service degradation' - Feature 'Audio and Video' Status is 'Service degradation' - Service 'Microsoft Teams' Feature 'Presence' Status is 'Service interruption' WARNING: Service 'Skype for Business' Feature 'Presence' Status is 'Investigating' |\n",
    );
    assert.equal(output.exitCode, 2);
  });

  test('no services, and --perfdata', () => {
    assert.equal(formatPluginOutput(legacy(), QUIET).text, 'UNKNOWN: No services found.\n');
    assert.equal(
      formatPluginOutput(legacy(exchange([])), { verbose: false, perfdata: true }).text,
      "OK: Service 'Exchange Online' Status is 'Normal service' | 'ok'=1;;;0; 'warning'=0;;;0; 'critical'=0;;;0; 'unknown'=0;;;0;\n",
    );
  });
});

describe('plugin output helpers', () => {
  test('worstState orders CRITICAL > UNKNOWN > WARNING > OK', () => {
    assert.equal(worstState([]), 0);
    assert.equal(worstState([0, 1]), 1);
    assert.equal(worstState([1, 3, 0]), 3);
    assert.equal(worstState([3, 2, 1]), 2);
  });

  test('formatUnknown keeps the message on one line', () => {
    assert.deepEqual(formatUnknown('a\n  b'), { text: 'UNKNOWN: a b\n', exitCode: 3 });
  });
});
