import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_CRITICAL, parseCheckCommand, type CheckOptions } from '../../../src/check/check-options.ts';
import { M365Error } from '../../../src/errors.ts';

const CREDENTIALS = ['--tenant=t', '--client-id=c', '--client-secret=s'];

/** The client secret, when that is the credential. */
const secretOf = (options: CheckOptions) =>
  options.credential.kind === 'secret' ? options.credential.secret : undefined;

function parse(argv: string[], mode: 'service-status' | 'list-services' = 'service-status'): CheckOptions {
  const parsed = parseCheckCommand(argv, mode);
  assert.equal(parsed.kind, 'run');
  return parsed.options;
}

function rejects(argv: string[], message: string | RegExp): void {
  assert.throws(
    () => parseCheckCommand(argv, 'service-status'),
    (error: unknown) => {
      assert.ok(error instanceof M365Error);
      assert.equal(error.code, 'CONFIG_INVALID');
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    },
  );
}

/** The seed's example command line, as the shell hands it over. */
const SEED_ARGV = [
  '--plugin=cloud::microsoft::office365::management::plugin',
  '--mode=service-status',
  '--custommode=managementapi',
  '--tenant=b3dd23de-593f3cfe-4d741212-bcf9-f035c1a2eb24',
  '--client-id=76f82731-073b-4eb2-9228-901d252d2cb6-1b0d',
  '--client-secret=9/kRTASjPoy9FJfQZg6iznX\\AkzCGertBgNq5r3tPfECJfKxj6zA=',
  '--verbose',
  '--filter-service-name=Exchange Online',
  '--filter-feature-name=',
  '--warning-status=',
  '--critical-status=%{status} !~ /Normal/i',
];

describe('parseCheckCommand', () => {
  test("accepts the seed's command line unchanged", () => {
    const options = parse(SEED_ARGV);
    assert.equal(options.mode, 'service-status');
    assert.equal(options.customMode, 'managementapi');
    assert.equal(options.tenantId, 'b3dd23de-593f3cfe-4d741212-bcf9-f035c1a2eb24');
    assert.equal(secretOf(options)?.reveal(), '9/kRTASjPoy9FJfQZg6iznX\\AkzCGertBgNq5r3tPfECJfKxj6zA=');
    assert.equal(String(secretOf(options)), '[redacted]');
    assert.equal(options.verbose, true);
    assert.equal(options.filters.includeServiceName?.source, 'Exchange Online');
    assert.equal(options.filters.featureName, undefined);
    assert.deepEqual(options.rules, { critical: '%{status} !~ /Normal/i', warning: '', unknown: '' });
  });

  test('applies Centreon defaults', () => {
    const options = parse(CREDENTIALS);
    assert.equal(options.customMode, 'graphapi');
    assert.deepEqual(options.endpoints, {
      login: 'https://login.microsoftonline.com',
      graph: 'https://graph.microsoft.com',
    });
    assert.equal(options.timeoutMs, 10_000);
    assert.equal(options.filters.excludeResolved, true);
    assert.deepEqual(options.rules, {
      critical: '%{status} !~ /serviceOperational|serviceRestored/i',
      warning: '',
      unknown: '',
    });
    assert.equal(options.verbose || options.debug || options.json || options.perfdata, false);
    assert.equal(options.statefileDir, undefined);
  });

  test('the legacy custom mode has its own default critical expression', () => {
    assert.equal(parse([...CREDENTIALS, '--custommode=managementapi']).rules.critical, DEFAULT_CRITICAL.managementapi);
    assert.equal(DEFAULT_CRITICAL.managementapi, '%{status} !~ /Normal|Service Restored/i');
  });

  test('an explicitly empty --critical-status replaces the default', () => {
    assert.equal(parse([...CREDENTIALS, '--critical-status=']).rules.critical, '');
  });

  test('takes values as --opt value too, and an option right after leaves the value empty', () => {
    const options = parse([
      '--tenant',
      't',
      '--client-id',
      'c',
      '--client-secret',
      's',
      '--timeout',
      '2.5',
      '--warning-status',
      '--critical-status',
      '%{status} eq "x"',
    ]);
    assert.equal(options.tenantId, 't');
    assert.equal(options.timeoutMs, 2500);
    assert.equal(options.rules.warning, '');
    assert.equal(options.rules.critical, '%{status} eq "x"');
  });

  test('keeps "=" inside values and lets the last occurrence win', () => {
    const options = parse([
      ...CREDENTIALS,
      '--client-secret=a=b==',
      '--include-service-name=A',
      '--filter-service-name=B',
    ]);
    assert.equal(secretOf(options)?.reveal(), 'a=b==');
    assert.equal(options.filters.includeServiceName?.source, 'B');
  });

  test('reads every filter, endpoints without trailing slash, and the flags', () => {
    const options = parse([
      ...CREDENTIALS,
      '--exclude-service-name=Teams',
      '--include-classification=incident',
      '--exclude-classification=(?i)ADVISORY',
      '--exclude-resolved=0',
      '--login-endpoint=http://127.0.0.1:1/',
      '--graph-endpoint=http://127.0.0.1:1//',
      '--statefile-dir=/tmp/x',
      '--debug',
      '--perfdata',
      '--json',
      '--filter-name=^Ex',
      '--http-backend=curl',
      '--unknown-status=%{status} eq "other"',
    ]);
    assert.equal(options.filters.excludeServiceName?.source, 'Teams');
    assert.equal(options.filters.includeClassification?.source, 'incident');
    assert.equal(options.filters.excludeClassification?.test('advisory'), true, '(?i) ignores case');
    assert.equal(options.filters.excludeResolved, false);
    assert.deepEqual(options.endpoints, { login: 'http://127.0.0.1:1', graph: 'http://127.0.0.1:1' });
    assert.equal(options.statefileDir, '/tmp/x');
    assert.equal(options.debug && options.perfdata && options.json, true);
    assert.equal(options.listFilter?.source, '^Ex');
    assert.equal(options.rules.unknown, '%{status} eq "other"');
  });

  test('--mode selects list-services; list-services defaults to it', () => {
    assert.equal(parse([...CREDENTIALS, '--mode=list-services']).mode, 'list-services');
    assert.equal(parse(CREDENTIALS, 'list-services').mode, 'list-services');
  });

  test("flags and empty values as Centreon's Getopt reads them", () => {
    const flags = parse([...CREDENTIALS, '--verbose=1', '--debug', 'yes', '--perfdata=0', '--json', '--json=0']);
    assert.deepEqual([flags.verbose, flags.debug, flags.perfdata, flags.json], [true, true, false, true]);
    const emptyThenNext = parse([...CREDENTIALS, '--warning-status=', '%{status} eq "x"', '--unknown-status=']);
    assert.deepEqual([emptyThenNext.rules.warning, emptyThenNext.rules.unknown], ['%{status} eq "x"', '']);
    assert.equal(parse([...CREDENTIALS, '--use-new-perfdata', '--http-backend=curl']).verbose, false);
  });

  test('a tenant neither GUID nor domain is passed on with a warning; a GUID or a domain without one', () => {
    assert.deepEqual(parse(CREDENTIALS).warnings, [
      "--tenant 't' is neither a GUID nor a domain name: the login endpoint decides whether it knows it",
    ]);
    assert.deepEqual(parse(['--tenant=contoso.com', '--client-id=c', '--client-secret=s']).warnings, []);
    const fromEnv = parseCheckCommand(['--client-id=c', '--client-secret=s'], 'service-status', {
      AZURE_TENANT_ID: 'lab',
    });
    assert.equal(
      fromEnv.kind === 'run' && fromEnv.options.warnings[0],
      "AZURE_TENANT_ID 'lab' is neither a GUID nor a domain name: the login endpoint decides whether it knows it",
    );
  });

  test('--help and -h ask for help before anything is validated', () => {
    assert.deepEqual(parseCheckCommand(['--help'], 'service-status'), { kind: 'help' });
    assert.deepEqual(parseCheckCommand(['--tenant=t', '-h'], 'service-status'), { kind: 'help' });
  });

  test('rejects what Centreon rejects, with a message saying what is wrong', () => {
    rejects([...CREDENTIALS, '--x'], 'Unknown option: --x');
    rejects([...CREDENTIALS, '--proxypac=http://proxy/pac'], 'Unknown option: --proxypac');
    rejects(
      [...CREDENTIALS, '--insecure'],
      '--insecure is refused: TLS is always verified here (a private CA is added with NODE_EXTRA_CA_CERTS, a proxy with --proxyurl)',
    );
    rejects([...CREDENTIALS, '--ssl-opt=SSL_verify_mode => SSL_VERIFY_NONE'], /^--ssl-opt is refused: TLS/);
    rejects([...CREDENTIALS, '--', 'extra'], 'Unexpected arguments after --: extra (the plugin ignores them)');
    rejects(
      ['--tenant=a/b', '--client-id=c', '--client-secret=s'],
      "--tenant 'a/b' cannot be put in the login endpoint's URL path: it would address another URL than the tenant's token endpoint (a tenant is a GUID or a domain name, without /, ?, #, spaces or . segments)",
    );
    rejects([...CREDENTIALS, 'extra'], 'Unexpected argument: extra (options are written --name=value)');
    rejects(['--client-id=c', '--client-secret=s'], 'Need to specify --tenant option.');
    rejects(['--tenant=t', '--client-secret=s'], 'Need to specify --client-id option.');
    rejects(
      ['--tenant=t', '--client-id=c', '--client-secret='],
      'Need to specify --client-secret option (or --certificate, or --federated-token-file).',
    );
    rejects([...CREDENTIALS, '--timeout=0'], "--timeout must be a positive number of seconds, at most 3600, got '0'");
    rejects(
      [...CREDENTIALS, '--timeout=ten'],
      "--timeout must be a positive number of seconds, at most 3600, got 'ten'",
    );
    rejects(
      [...CREDENTIALS, '--timeout=2200000'],
      "--timeout must be a positive number of seconds, at most 3600, got '2200000'",
    );
    rejects(
      [...CREDENTIALS, '--mode=cpu'],
      'Unknown --mode=cpu (supported: service-status, list-services, app-credentials)',
    );
    rejects([...CREDENTIALS, '--custommode=api'], 'Unknown --custommode=api (supported: graphapi, managementapi)');
    rejects(
      [...CREDENTIALS, '--plugin=os::linux::snmp::plugin'],
      'Unsupported --plugin=os::linux::snmp::plugin: this command implements cloud::microsoft::office365::management::plugin only',
    );
    rejects([...CREDENTIALS, '--graph-endpoint=ftp://x'], "--graph-endpoint must be an http(s) URL, got 'ftp://x'");
    rejects(
      [...CREDENTIALS, '--login-endpoint=https://login.example/?tenant='],
      "--login-endpoint must be a URL without ? or #, as paths are appended to it, got 'https://login.example/?tenant='",
    );
    rejects(
      [...CREDENTIALS, '--include-service-name=('],
      "--include-service-name: invalid regular expression at position 1: unclosed group: expected ')'",
    );
    rejects(
      [...CREDENTIALS, '--filter-service-name=Ex(?=change)'],
      '--include-service-name: lookahead (?=…) at position 3 is not supported (linear-time matching)',
    );
    rejects(
      [...CREDENTIALS, '--exclude-classification=(a)\\1'],
      '--exclude-classification: backreference \\1 at position 4 is not supported (linear-time matching)',
    );
    rejects(
      [...CREDENTIALS, '--filter-feature-name=a++'],
      '--filter-feature-name: possessive quantifier ++ at position 2 is not supported (linear-time matching)',
    );
  });
});
