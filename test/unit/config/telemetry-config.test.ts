import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { parseConfig } from '../../../src/config/index.ts';
import { isSameSetting } from '../../../src/agent/same-settings.ts';
import { DEFAULT_SEVERITY_TEXTS } from '../../../src/health/severity-rules.ts';
import { configOf, FIXTURE_ENV, formattedProblems, parseText, VALID_TENANT } from './fixture-support.ts';

const TLS = fileURLToPath(new URL('../../fixtures/tls/', import.meta.url));
const pem = (name: string) => readFileSync(`${TLS}${name}`, 'utf8');
/** Parses `text` as if it were a file in the TLS fixtures directory, reading referenced files from disk. */
const parseBesideTls = (text: string, env: Record<string, string> = {}) =>
  parseConfig(text, `${TLS}config.yaml`, { ...FIXTURE_ENV, ...env }, (path) => readFileSync(path, 'utf8'));

const TWO_TENANTS = `${VALID_TENANT}  - name: fabrikam
    tenant_id: fabrikam.onmicrosoft.com
    client_id: 11111111-2222-3333-4444-555555555555
    client_secret: \${env:CONTOSO_CLIENT_SECRET}
`;

describe('severity rules in the configuration', () => {
  test('left out everywhere: no rules, the built-in rule applies', () => {
    assert.equal(configOf(parseText(VALID_TENANT)).tenants[0].severity, undefined);
  });

  test('checked at load and kept as texts; each key from the tenant, else defaults, else the built-in expression', () => {
    const text = `defaults:
  severity:
    critical: '%{classification} eq "incident"'
${TWO_TENANTS}    severity:
      warning: ''
`;
    const [contoso, fabrikam] = configOf(parseText(text)).tenants;
    assert.deepEqual(contoso.severity, {
      critical: '%{classification} eq "incident"',
      warning: DEFAULT_SEVERITY_TEXTS.warning,
    });
    assert.deepEqual(fabrikam.severity, { critical: '%{classification} eq "incident"', warning: '' });
  });

  test('unknown keys in a severity section are reported', () => {
    const text = `defaults:\n  severity:\n    unknown: '1'\n${VALID_TENANT}`;
    assert.deepEqual(formattedProblems(parseText(text)), [
      'config.yaml:3:5: defaults.severity: unknown key "unknown"; allowed keys: critical, warning',
    ]);
  });
});

describe('optional events in the configuration', () => {
  test('message-center events are off unless turned on; a tenant may override the top-level switch', () => {
    assert.equal(configOf(parseText(TWO_TENANTS)).tenants[0].events, undefined);
    const on = `events:\n  messages:\n    enabled: true\n${TWO_TENANTS}    events:\n      messages:\n        enabled: false\n`;
    assert.deepEqual(
      configOf(parseText(on)).tenants.map((t) => t.events?.messages ?? false),
      [true, false],
    );
    const one = `${TWO_TENANTS}    events:\n      messages:\n        enabled: true\n`;
    assert.deepEqual(
      configOf(parseText(one)).tenants.map((t) => t.events?.messages ?? false),
      [false, true],
    );
  });
});

describe('TLS to the collector', () => {
  const EXPORTER = 'exporter:\n  endpoint: https://collector.example.com:4318\n';

  test('files are read at load, relative to the config file; the key is redacted when printed', () => {
    const text = `${EXPORTER}  tls:\n    ca_file: ca.pem\n    cert_file: client.pem\n    key_file: client.key\n${VALID_TENANT}`;
    const tls = configOf(parseBesideTls(text)).exporter.tls!;
    assert.equal(tls.ca, pem('ca.pem'));
    assert.equal(tls.cert, pem('client.pem'));
    assert.equal(tls.key?.reveal(), pem('client.key'));
    assert.doesNotMatch(inspect(tls, { depth: 5 }), /PRIVATE KEY/);
  });

  test('the standard OTEL_EXPORTER_OTLP_*CERTIFICATE / _CLIENT_KEY variables stand in for keys the file leaves out', () => {
    const env = {
      OTEL_EXPORTER_OTLP_CERTIFICATE: `${TLS}ca.pem`,
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: `${TLS}client.pem`,
      OTEL_EXPORTER_OTLP_CLIENT_KEY: `${TLS}client.key`,
    };
    const tls = configOf(parseBesideTls(`${EXPORTER}${VALID_TENANT}`, env)).exporter.tls!;
    assert.deepEqual([tls.ca, tls.cert, tls.key?.reveal()], [pem('ca.pem'), pem('client.pem'), pem('client.key')]);
    const fileWins = configOf(parseBesideTls(`${EXPORTER}  tls:\n    ca_file: client.pem\n${VALID_TENANT}`, env))
      .exporter.tls!;
    assert.equal(fileWins.ca, pem('client.pem'));
    assert.equal(configOf(parseBesideTls(`${EXPORTER}${VALID_TENANT}`)).exporter.tls, undefined);
  });

  test('what is not PEM, and a bad file named by a variable, are problems; TLS on plain http:// is a warning', () => {
    const text = `${EXPORTER}  tls:\n    ca_file: README.md\n${VALID_TENANT}`;
    assert.deepEqual(formattedProblems(parseBesideTls(text)), [
      'config.yaml:4:14: exporter.tls.ca_file: the CA certificate file holds no PEM certificate',
    ]);
    const env = {
      OTEL_EXPORTER_OTLP_CLIENT_KEY: `${TLS}ca.pem`,
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: `${TLS}client.pem`,
    };
    assert.deepEqual(formattedProblems(parseBesideTls(`${EXPORTER}${VALID_TENANT}`, env)), [
      'config.yaml: exporter.tls.key_file: OTEL_EXPORTER_OTLP_CLIENT_KEY: the client key file holds no unencrypted PEM private key',
    ]);
    const plain = configOf(
      parseBesideTls(`exporter:\n  endpoint: http://localhost:4318\n  tls:\n    ca_file: ca.pem\n${VALID_TENANT}`),
    );
    assert.deepEqual(plain.warnings, [
      `${TLS}config.yaml:4:5: exporter.tls: TLS settings have no effect on the plain http:// endpoint http://localhost:4318`,
    ]);
  });
});

describe('reloading', () => {
  test('an unchanged severity text loads as the same plain rule, so a reload sees no change', () => {
    const text = `defaults:\n  severity:\n    critical: '%{classification} eq "incident"'\n${VALID_TENANT}`;
    const load = () => configOf(parseConfig(text, '/c.yaml', FIXTURE_ENV, () => '')).tenants[0];
    assert.ok(isSameSetting(load(), load()));
  });
});
