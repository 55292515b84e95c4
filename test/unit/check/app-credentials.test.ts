import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { changeSeconds, checkAppCredentials, compileCredentialRules } from '../../../src/check/app-credentials.ts';
import { parseCheckCommand } from '../../../src/check/check-options.ts';
import { M365Error } from '../../../src/errors.ts';
import type { Application } from '../../../src/graph/fetch-applications.ts';

/*
 * Expectations derived from the Centreon plugin's source:
 * - appcredentials.pm: `prefix_application_output` ("application '<name>' "), `prefix_password_output` /
 *   `prefix_key_output` ("password credential '<keyId>' "), `custom_status_output` ("status: …"), `output_template`
 *   'expires in %s' of `change_seconds`, `message_multiple` of each level, `add_credential` (UTC date to the second,
 *   seconds left clamped at 0, `expired` at 0), `custom_expires_perfdata` (nlabel `application.<kind>.expires.<unit
 *   word>`, instances app name and key id, value floor(seconds / unit), unit, min 0), `check_options` (unknown unit: s).
 * - counter.pm: `run_multiple` ("All application credentials are ok" first when several applications, sorted by id,
 *   `checking application '…'` long lines), `run_multiple_instances` (credentials sorted by key id, ', ' between a
 *   credential's outputs, its OK output only when it is alone under a single application, `message_multiple` of a
 *   kind under a single application), `run_multiple_prefix_output` (the application prefix glued to its first message
 *   of each state, ' - ' after).
 * - output.pm: `output_txt_short_display` (each problem state `LABEL: messages ` then `OK: messages ` only when OK),
 *   `output_txt` ('|' then ` 'label'=value<unit>;warning;critical;min;max` per perfdata), `perfdata_add` ('~' between
 *   instances, '#' before the label, `'` doubled); misc.pm `parse_threshold` / `get_threshold_litteral` (`@0:2592000`).
 */

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const CREDENTIALS = ['--tenant=t', '--client-id=c', '--client-secret=s', '--mode=app-credentials'];

/** A recorded `GET /v1.0/applications` answer, decoded: an expired secret, a certificate ending in 10 days. */
const SYNC: Application = {
  id: 'a1',
  displayName: 'Contoso Sync',
  passwordCredentials: [{ keyId: 'p1', endDateTime: '2026-12-01T00:00:00Z' }],
  keyCredentials: [{ keyId: 'k1', endDateTime: '2026-12-17T12:00:00.4890000Z' }],
};
/** A secret ending in 400 days, and one without an end the plugin can read (skipped). */
const BACKUP: Application = {
  id: 'b2',
  displayName: 'Backup Agent',
  passwordCredentials: [
    { keyId: 'q1', endDateTime: new Date(NOW + 400 * 86_400_000).toISOString() },
    { keyId: 'q0', endDateTime: undefined },
  ],
  keyCredentials: [],
};

function run(applications: readonly Application[], argv: readonly string[], verbose = false, debug = false) {
  const parsed = parseCheckCommand([...CREDENTIALS, ...argv], 'service-status');
  assert.equal(parsed.kind, 'run');
  const options = parsed.options.appCredentials!;
  const rules = compileCredentialRules(options);
  return checkAppCredentials(applications, options, rules, { nowMs: NOW, verbose, debug });
}

describe('check --mode=app-credentials', () => {
  test('an expired secret is critical, a certificate inside the warning range warns; long output with --verbose', () => {
    const output = run([SYNC], ['--warning-key-expires=@0:2592000', '--critical-key-expires=@0:86400'], true);
    assert.equal(
      output.text,
      "CRITICAL: application 'Contoso Sync' password credential 'p1' status: expired " +
        "WARNING: application 'Contoso Sync' key credential 'k1' expires in 1w 3d |" +
        " 'Contoso Sync~p1#application.password.expires.seconds'=0s;;;0;" +
        " 'Contoso Sync~k1#application.key.expires.seconds'=864000s;@0:2592000;@0:86400;0;\n" +
        "checking application 'Contoso Sync'\n" +
        "    password credential 'p1' status: expired, expires in 0\n" +
        "    key credential 'k1' status: valid, expires in 1w 3d\n",
    );
    assert.equal(output.exitCode, 2);
  });

  test('the plugin long threshold names and --unit=d: thresholds and value in days', () => {
    const output = run([SYNC], ['--warning-subinstance-application-key-expires=@0:30', '--unit=d']);
    assert.equal(
      output.text,
      "CRITICAL: application 'Contoso Sync' password credential 'p1' status: expired " +
        "WARNING: application 'Contoso Sync' key credential 'k1' expires in 1w 3d |" +
        " 'Contoso Sync~p1#application.password.expires.days'=0d;;;0;" +
        " 'Contoso Sync~k1#application.key.expires.days'=10d;@0:30;;0;\n",
    );
    assert.equal(output.exitCode, 2);
  });

  test('--filter-app-name keeps one application: its single credential is the OK message', () => {
    const output = run([SYNC, BACKUP], ['--filter-app-name=^Backup', '--unit=d']);
    assert.equal(
      output.text,
      "OK: application 'Backup Agent' password credential 'q1' status: valid, expires in 1y 1M 4d 7h 42m 11s |" +
        " 'Backup Agent~q1#application.password.expires.days'=400d;;;0;\n",
    );
    assert.equal(output.exitCode, 0);
    // --debug (appcredentials.pm manage_selection): the skipped application opens the long output.
    assert.deepEqual(run([SYNC, BACKUP], ['--filter-app-name=^Backup'], true, true).text.split('\n').slice(1), [
      "skipping 'Contoso Sync': no matching filter name.",
      "checking application 'Backup Agent'",
      "    password credential 'q1' status: valid, expires in 1y 1M 4d 7h 42m 11s",
      '',
    ]);
  });

  test('several applications: the roll-up when all are OK, sorted by id; an unknown unit is seconds', () => {
    const renewed: Application = {
      ...SYNC,
      passwordCredentials: [
        { keyId: 'p2', endDateTime: '2027-06-01T00:00:00Z' },
        { keyId: 'p1', endDateTime: '2027-01-01T00:00:00Z' },
      ],
      keyCredentials: [],
    };
    const output = run([BACKUP, renewed], ['--unit=fortnight']);
    assert.equal(
      output.text,
      'OK: All application credentials are ok |' +
        " 'Contoso Sync~p1#application.password.expires.seconds'=2116800s;;;0;" +
        " 'Contoso Sync~p2#application.password.expires.seconds'=15163200s;;;0;" +
        " 'Backup Agent~q1#application.password.expires.seconds'=34560000s;;;0;\n",
    );
    assert.equal(output.exitCode, 0);
    assert.equal(
      run([renewed], []).text.split(' |')[0],
      "OK: application 'Contoso Sync' All password credentials are ok",
    );
  });

  test('status expressions read %{status}, %{id} and %{app_name}; a quote in a name is doubled in perfdata', () => {
    const app: Application = { ...BACKUP, displayName: "Bob's app" };
    const output = run([app], ['--warning-password-status=%{app_name} =~ /bob/i and %{id} eq "q1"']);
    assert.match(output.text, /^WARNING: application 'Bob's app' password credential 'q1' status: valid \|/);
    assert.match(output.text, / 'Bob''s app~q1#application\.password\.expires\.seconds'=34560000s;;;0;\n$/);
    assert.equal(output.exitCode, 1);
  });

  test('no application at all is OK with nothing to say, as the plugin prints it', () => {
    assert.deepEqual(run([], []), { text: 'OK:  |\n', exitCode: 0 });
  });

  test('a date that does not exist is a bad answer, not a crash', () => {
    const app: Application = { ...BACKUP, passwordCredentials: [{ keyId: 'x', endDateTime: '2026-13-01T00:00:00Z' }] };
    assert.throws(
      () => run([app], []),
      (error: unknown) =>
        error instanceof M365Error && error.code === 'GRAPH_BAD_RESPONSE' && /'x'/.test(error.message),
    );
  });

  test('bad options are refused before any request, with the plugin wording where it has one', () => {
    const refuse = (argv: string[], message: string | RegExp) =>
      assert.throws(
        () => parseCheckCommand(argv, 'service-status'),
        (error: unknown) =>
          error instanceof M365Error &&
          error.code === 'CONFIG_INVALID' &&
          (typeof message === 'string' ? error.message === message : message.test(error.message)),
      );
    refuse([...CREDENTIALS, '--warning-key-expires=10:x'], "Wrong warning-key-expires threshold '10:x'.");
    refuse([...CREDENTIALS, '--filter-app-name=('], /^--filter-app-name: invalid regular expression/);
    refuse([...CREDENTIALS, '--critical-status=1'], 'Unknown option: --critical-status');
    refuse([...CREDENTIALS, '--custommode=managementapi'], /needs --custommode=graphapi/);
    refuse(['--tenant=t', '--client-id=c', '--client-secret=s', '--unit=d'], 'Unknown option: --unit');
  });

  test('change_seconds', () => {
    assert.equal(changeSeconds(0), '0');
    assert.equal(changeSeconds(59), '59s');
    assert.equal(changeSeconds(864_000), '1w 3d');
    assert.equal(changeSeconds(31_556_926 + 61), '1y 1m 1s');
  });
});
