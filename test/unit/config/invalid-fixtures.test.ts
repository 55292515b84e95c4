import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { METRICS } from '../../../src/catalogue/catalogue.ts';
import { FIXTURE_ENV, FIXTURES, formattedProblems, loadFixture } from './fixture-support.ts';

const HTTP_ONLY_LOOPBACK =
  'uses plain http:// to a remote host; use https://, or http:// only for localhost, 127.0.0.0/8 or ::1';
const DURATION_HINT = 'write a duration such as "30s", "5m" or "1m30s" (units: h, m, s, ms)';
const REFERENCE_HINT = 'use ${env:NAME} or ${file:PATH}, and $$ for a literal $';
const TLS_FIXTURES = fileURLToPath(new URL('../../fixtures/tls/', import.meta.url));
const CERTIFICATES = `${FIXTURES.replace(/config\/$/, '')}certificates/`;
const SIZE_HINT = 'write a size such as "64MiB" or "1GiB" (units: B, KiB, MiB, GiB)';
const PLAIN_VALUE = 'invalid YAML: a plain value cannot start with this character; quote the value';
const TENANT_KEYS =
  'certificate, client_id, client_secret, cloud, credential_expiry, endpoints, events, federated_token_file, http, interval, name, ' +
  'severity, tenant_id, timeout';
const DEFAULTS_KEYS =
  'certificate, client_id, client_secret, cloud, credential_expiry, endpoints, events, federated_token_file, http, interval, ' +
  'severity, timeout';

/** The message of a certificate problem in one of the `invalid-certificate-*.yaml` fixtures (all at line 6). */
function certificateProblem(fixture: string, file: string, problem: string): string[] {
  return [`${fixture}:6:13: tenants[0].certificate.path: certificate file "${CERTIFICATES}${file}": ${problem}`];
}

/** The 22 bad values of `invalid-yaml-many-errors.yaml`: the first 20 listed, the rest counted. */
function manyYamlErrors(): string[] {
  const listed = Array.from({ length: 20 }, (_, i) => {
    const line = i + 3;
    return `invalid-yaml-many-errors.yaml:${line}:${i < 9 ? 9 : 10}: ${PLAIN_VALUE}`;
  });
  return [...listed, 'invalid-yaml-many-errors.yaml:23:10: invalid YAML: 2 more errors not shown'];
}

/** One fixture per rule, with the exact messages it must produce. */
const CASES: Record<string, string[]> = {
  'invalid-yaml-syntax.yaml': ['invalid-yaml-syntax.yaml:5:1: invalid YAML: Missing closing "quote'],
  'invalid-yaml-second-document.yaml': [
    'invalid-yaml-second-document.yaml:6:1: invalid YAML: a second document starts here (after "---"); a file holds ' +
      'one document, so remove this marker and merge what follows into the first',
  ],
  'invalid-yaml-tag.yaml': [
    'invalid-yaml-tag.yaml:5:20: invalid YAML: unknown tag; quote a value that starts with "!"',
  ],
  'invalid-unknown-alias.yaml': [
    'invalid-unknown-alias.yaml:5:20: tenants[0].client_secret: invalid YAML: alias to an unknown anchor; quote a ' +
      'value that starts with "*"',
  ],
  'invalid-duplicate-key.yaml': [
    'invalid-duplicate-key.yaml:6:5: tenants[0]: duplicate key "tenant_id" (first at line 3)',
  ],
  'invalid-alias-bomb.yaml': [
    'invalid-alias-bomb.yaml:1:1: invalid YAML: Excessive alias count indicates a resource exhaustion attack',
  ],
  'invalid-alias-cycle.yaml': [
    'invalid-alias-cycle.yaml:6:16: tenants[0].endpoints: invalid YAML: alias to a node that contains it (a cycle)',
  ],
  'invalid-flow-depth.yaml': [
    'invalid-flow-depth.yaml:3:48: invalid YAML: flow collections ("[…]", "{…}") nested more than 32 levels deep',
  ],
  'invalid-empty-file.yaml': ['invalid-empty-file.yaml:1:1: the file is empty: it needs at least a "tenants" list'],
  'invalid-top-level-type.yaml': ['invalid-top-level-type.yaml:1:1: must be a mapping, not a sequence'],
  'invalid-unknown-key.yaml': [
    'invalid-unknown-key.yaml:2:3: exporter: unknown key "endpiont" (did you mean "endpoint"?); allowed keys: ' +
      'compression, endpoint, headers, interval, protocol, temporality, timeout, tls',
    `invalid-unknown-key.yaml:8:5: tenants[0]: unknown key "region"; allowed keys: ${TENANT_KEYS}`,
  ],
  'invalid-missing-tenants.yaml': ['invalid-missing-tenants.yaml:1:1: missing required key "tenants"'],
  'invalid-no-tenants.yaml': ['invalid-no-tenants.yaml:1:10: tenants: at least one tenant is required'],
  'invalid-missing-required.yaml': [
    'invalid-missing-required.yaml:2:5: tenants[0]: missing required key "client_id": set it here or in defaults',
  ],
  'invalid-missing-credential.yaml': [
    'invalid-missing-credential.yaml:2:5: tenants[0]: missing credential: set one of client_secret, certificate, ' +
      'federated_token_file here or in defaults, or the environment variable AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or ' +
      'AZURE_FEDERATED_TOKEN_FILE',
  ],
  'invalid-two-credentials.yaml': [
    'invalid-two-credentials.yaml:2:5: tenants[0]: set only one credential; found client_secret and federated_token_file',
  ],
  'invalid-defaults-tenant-id.yaml': [
    'invalid-defaults-tenant-id.yaml:2:3: defaults: "tenant_id" cannot be a default: each tenant sets its own name ' +
      'and tenant_id',
    'invalid-defaults-tenant-id.yaml:6:5: tenants[0]: missing required key "tenant_id"',
  ],
  'invalid-defaults-unknown-key.yaml': [
    'invalid-defaults-unknown-key.yaml:3:3: defaults: unknown key "client_secert" (did you mean "client_secret"?); ' +
      `allowed keys: ${DEFAULTS_KEYS}`,
    'invalid-defaults-unknown-key.yaml:5:5: tenants[0]: missing credential: set one of client_secret, certificate, ' +
      'federated_token_file here or in defaults, or the environment variable AZURE_CLIENT_SECRET, ' +
      'AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE',
  ],
  'invalid-defaults-client-id.yaml': [
    'invalid-defaults-client-id.yaml:2:14: defaults.client_id: "my-monitoring-app" is not a GUID (the application ' +
      '(client) ID of the app registration)',
  ],
  'invalid-defaults-two-credentials.yaml': [
    'invalid-defaults-two-credentials.yaml:2:3: defaults: set only one credential; found client_secret and ' +
      'federated_token_file',
  ],
  'invalid-defaults-no-credential.yaml': [
    'invalid-defaults-no-credential.yaml:6:5: tenants[1]: missing credential: set one of client_secret, certificate, ' +
      'federated_token_file here or in defaults',
  ],
  'invalid-defaults-endpoint.yaml': [
    'invalid-defaults-endpoint.yaml:5:12: defaults.endpoints.login: "login.example.org" is not a valid URL',
  ],
  'invalid-defaults-certificate.yaml': [
    `invalid-defaults-certificate.yaml:5:11: defaults.certificate.path: certificate file "${CERTIFICATES}expired.pem": ` +
      'the certificate CN=m365-health-expired expired on 2021-01-01T00:00:00.000Z: create a new one and upload it to ' +
      'the app registration',
  ],
  'invalid-certificate-expired.yaml': certificateProblem(
    'invalid-certificate-expired.yaml',
    'expired.pem',
    'the certificate CN=m365-health-expired expired on 2021-01-01T00:00:00.000Z: create a new one and upload it to ' +
      'the app registration',
  ),
  'invalid-certificate-not-yet-valid.yaml': certificateProblem(
    'invalid-certificate-not-yet-valid.yaml',
    'not-yet-valid.pem',
    'the certificate CN=m365-health-future is not valid before 2120-01-01T00:00:00.000Z',
  ),
  'invalid-certificate-key-mismatch.yaml': certificateProblem(
    'invalid-certificate-key-mismatch.yaml',
    'mismatched.pem',
    'the private key does not match the certificate CN=m365-health-test: use the key the certificate was made with',
  ),
  'invalid-certificate-no-key.yaml': certificateProblem(
    'invalid-certificate-no-key.yaml',
    'client-cert.pem',
    'no private key found: append the private key (-----BEGIN PRIVATE KEY-----) to the certificate in the PEM file',
  ),
  'invalid-certificate-no-password.yaml': certificateProblem(
    'invalid-certificate-no-password.yaml',
    'client-encrypted.pem',
    'the private key is encrypted and no password is set',
  ),
  'invalid-certificate-wrong-password.yaml': certificateProblem(
    'invalid-certificate-wrong-password.yaml',
    'client.pfx',
    'cannot open the PKCS#12 file: wrong password?',
  ),
  'invalid-certificate-not-rsa.yaml': certificateProblem(
    'invalid-certificate-not-rsa.yaml',
    'ec.pem',
    'the private key is EC; the identity platform needs an RSA key',
  ),
  'invalid-certificate-unreadable.yaml': [
    'invalid-certificate-unreadable.yaml:6:13: tenants[0].certificate.path: cannot read certificate file ' +
      `"${CERTIFICATES}missing.pem": no such file`,
  ],
  'invalid-certificate-algorithm.yaml': [
    'invalid-certificate-algorithm.yaml:7:18: tenants[0].certificate.algorithm: must be one of PS256, RS256; got "ES256"',
  ],
  'invalid-proxy-url.yaml': [
    'invalid-proxy-url.yaml:7:14: tenants[0].http.proxy: "socks5://***@proxy.example.com:1080" must start with ' +
      'http:// or https://',
  ],
  'invalid-ca-file.yaml': [
    `invalid-ca-file.yaml:2:12: http.ca_file: "${CERTIFICATES}garbage.pem" holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
  ],
  'invalid-empty-value.yaml': ['invalid-empty-value.yaml:3:16: tenants[0].tenant_id: must not be empty'],
  'invalid-wrong-type.yaml': [
    'invalid-wrong-type.yaml:2:12: exporter.headers: must be a mapping, not a sequence',
    'invalid-wrong-type.yaml:10:14: metrics["m365.service.status"].enabled: must be true or false, not a string',
  ],
  'invalid-secret-wrong-type.yaml': [
    'invalid-secret-wrong-type.yaml:7:7: tenants[0].client_secret: must be a string, not a mapping',
  ],
  'invalid-enum.yaml': [
    'invalid-enum.yaml:6:12: tenants[0].cloud: must be one of global, usgov, usgovdod, china; got "mars"',
  ],
  'invalid-duration-bare-number.yaml': [
    `invalid-duration-bare-number.yaml:2:13: defaults.interval: 300 has no unit; ${DURATION_HINT}`,
  ],
  'invalid-duration-syntax.yaml': [
    `invalid-duration-syntax.yaml:6:15: tenants[0].interval: "5 minutes" is not a duration; ${DURATION_HINT}`,
  ],
  'invalid-duration-too-long.yaml': [
    'invalid-duration-too-long.yaml:2:13: defaults.interval: "48h" is above the maximum of 24h',
  ],
  'invalid-interval-below-minimum.yaml': [
    'invalid-interval-below-minimum.yaml:6:15: tenants[0].interval: "2s" is below the minimum of 5s',
  ],
  'invalid-timeout-zero.yaml': ['invalid-timeout-zero.yaml:6:14: tenants[0].timeout: "0s" must be greater than 0'],
  'invalid-timeout-exceeds-interval.yaml': [
    'invalid-timeout-exceeds-interval.yaml:8:15: tenants[0].interval: timeout 2m (defaults.timeout) is longer than ' +
      'the poll interval 1m; a poll must end before the next one starts',
  ],
  'invalid-export-timeout-exceeds-interval.yaml': [
    'invalid-export-timeout-exceeds-interval.yaml:3:12: exporter.timeout: timeout 15s is longer than the export ' +
      'interval 10s; an export must end before the next one starts',
  ],
  'invalid-tenant-id.yaml': [
    'invalid-tenant-id.yaml:3:16: tenants[0].tenant_id: "contoso" is neither a GUID nor a domain name such as ' +
      'contoso.onmicrosoft.com',
  ],
  'invalid-client-id.yaml': [
    'invalid-client-id.yaml:4:16: tenants[0].client_id: "my-monitoring-app" is not a GUID (the application (client) ' +
      'ID of the app registration)',
  ],
  'invalid-tenant-name.yaml': [
    'invalid-tenant-name.yaml:2:11: tenants[0].name: "contoso/prod" is not a valid tenant name: use 1 to 64 ' +
      'letters, digits, ".", "_" or "-", starting with a letter or digit',
  ],
  'invalid-duplicate-tenant-name.yaml': [
    'invalid-duplicate-tenant-name.yaml:6:11: tenants[1].name: duplicate tenant name "contoso": tenants[0] (line 2) ' +
      'has it too; names must be unique',
  ],
  'invalid-tenants-from-duplicate.yaml': [
    'customer.yaml:2:11: tenants[0].name: duplicate tenant name "contoso": tenants[0] ' +
      '(invalid-tenants-from-duplicate.yaml:4) has it too; names must be unique',
  ],
  'invalid-tenants-from-shape.yaml': [
    'customer.yaml:1:1: a tenants file must be a mapping with a "tenants" list, like the config file, not a bare ' +
      'sequence; write "tenants:" above the list',
  ],
  'invalid-tenants-from-no-tenant.yaml': [
    'invalid-tenants-from-no-tenant.yaml:2:15: tenants_from: no tenant: "tenants" is empty and no file matches ' +
      'these patterns',
  ],
  'invalid-endpoint-url.yaml': [
    'invalid-endpoint-url.yaml:2:13: exporter.endpoint: "otlp.example.com:4318" must start with https:// ' +
      '(or http:// for a loopback host)',
  ],
  'invalid-endpoint-plain-http.yaml': [
    `invalid-endpoint-plain-http.yaml:2:13: exporter.endpoint: "http://collector.example.com:4318" ${HTTP_ONLY_LOOPBACK}`,
    `invalid-endpoint-plain-http.yaml:9:14: tenants[0].endpoints.graph: "http://10.0.0.5:8080/" ${HTTP_ONLY_LOOPBACK}`,
  ],
  'invalid-endpoint-credentials.yaml': [
    'invalid-endpoint-credentials.yaml:2:13: exporter.endpoint: "https://***@otlp.example.com" must not contain a ' +
      'user name or password; send credentials in headers',
  ],
  'invalid-env-unset.yaml': [
    'invalid-env-unset.yaml:5:20: tenants[0].client_secret: environment variable FABRIKAM_CLIENT_SECRET is not set',
  ],
  'invalid-file-unreadable.yaml': [
    `invalid-file-unreadable.yaml:5:20: tenants[0].client_secret: cannot read file "${FIXTURES}secrets/missing.txt": ` +
      'no such file',
  ],
  'invalid-reference-syntax.yaml': [
    `invalid-reference-syntax.yaml:2:9: resource.team: unknown reference "\${TEAM}"; ${REFERENCE_HINT}`,
    `invalid-reference-syntax.yaml:3:10: resource.owner: unterminated reference: missing "}" after "\${"; ${REFERENCE_HINT}`,
  ],
  'invalid-header-name.yaml': [
    'invalid-header-name.yaml:4:5: exporter.headers: "api key" is not a valid HTTP header name',
  ],
  'invalid-severity-syntax.yaml': [
    'invalid-severity-syntax.yaml:3:15: defaults.severity.critical: invalid expression: syntax error at position 39: ' +
      'expected an operand, found the end of the expression',
    'invalid-severity-syntax.yaml:10:16: tenants[0].severity.warning: invalid expression: syntax error at position 19: ' +
      "unexpected character '=' (compare with == or eq)",
  ],
  'invalid-credential-expiry.yaml': [
    'invalid-credential-expiry.yaml:2:34: defaults.credential_expiry.read_app: must be true or false, not a string',
    'invalid-credential-expiry.yaml:2:54: defaults.credential_expiry.home_tenant: "not a tenant" is neither a GUID nor a domain name: the tenant where the app is registered',
    'invalid-credential-expiry.yaml:9:30: tenants[0].credential_expiry.warn_before_days[1]: must be >= 1',
    'invalid-credential-expiry.yaml:14:44: tenants[1].credential_expiry.warn_before_days: must not be empty',
  ],
  'invalid-events-toggle.yaml': [
    'invalid-events-toggle.yaml:2:13: events.messages: missing required key "enabled"',
    'invalid-events-toggle.yaml:10:18: tenants[0].events.messages.enabled: must be true or false, not a string',
  ],
  'invalid-tls-unreadable.yaml': [
    `invalid-tls-unreadable.yaml:4:14: exporter.tls.ca_file: cannot read CA certificate file "${TLS_FIXTURES}missing-ca.pem": ` +
      'no such file',
  ],
  'invalid-tls-key-without-cert.yaml': [
    'invalid-tls-key-without-cert.yaml:4:15: exporter.tls.key_file: a client key needs its certificate: set cert_file ' +
      '(or OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE) too',
  ],
  'invalid-tls-key-mismatch.yaml': [
    'invalid-tls-key-mismatch.yaml:5:15: exporter.tls.key_file: the client key does not match the client certificate',
  ],
  'invalid-metric-name.yaml': [
    'invalid-metric-name.yaml:2:3: metrics: "M365 Service Status" is not a metric name: lowercase and ' +
      'dot-separated, like m365.service.status',
  ],
  'invalid-yaml-block-scalar.yaml': [
    'invalid-yaml-block-scalar.yaml:5:21: invalid YAML: unexpected characters after "|" or ">"; quote the value',
  ],
  'invalid-yaml-escape.yaml': [
    'invalid-yaml-escape.yaml:3:24: invalid YAML: invalid escape sequence in a double-quoted string',
  ],
  'invalid-yaml-plain-start.yaml': [`invalid-yaml-plain-start.yaml:5:20: ${PLAIN_VALUE}`],
  'invalid-yaml-many-errors.yaml': manyYamlErrors(),
  'invalid-env-name.yaml': [
    'invalid-env-name.yaml:5:20: tenants[0].client_secret: invalid environment variable name in reference; a name ' +
      'is letters, digits and "_", not starting with a digit',
  ],
  'invalid-duration-type.yaml': [
    'invalid-duration-type.yaml:2:13: defaults.interval: must be a duration such as "30s" or "5m", not a boolean',
  ],
  'invalid-exporter-enum.yaml': [
    'invalid-exporter-enum.yaml:2:13: exporter.protocol: must be one of http/protobuf, http/json; got "grpc"',
    'invalid-exporter-enum.yaml:3:16: exporter.compression: must be one of none, gzip; got "zstd"',
    'invalid-exporter-enum.yaml:4:16: exporter.temporality: must be one of cumulative, delta, lowmemory; got "low_memory"',
  ],
  'invalid-endpoint-not-url.yaml': [
    'invalid-endpoint-not-url.yaml:2:13: exporter.endpoint: "https://otlp example.com" is not a valid URL',
  ],
  'invalid-endpoint-query.yaml': [
    'invalid-endpoint-query.yaml:2:13: exporter.endpoint: "https://otlp.example.com/?tenant=contoso" must not ' +
      'contain a query or a fragment',
  ],
  'invalid-header-value.yaml': [
    'invalid-header-value.yaml:4:20: exporter.headers.Authorization: the value contains a line break or NUL',
  ],
  'invalid-tls-ca-not-pem.yaml': [
    'invalid-tls-ca-not-pem.yaml:4:14: exporter.tls.ca_file: the CA certificate file holds no PEM certificate',
  ],
  'invalid-tls-key-not-pem.yaml': [
    'invalid-tls-key-not-pem.yaml:5:15: exporter.tls.key_file: the client key file holds no unencrypted PEM private key',
  ],
  'invalid-tls-cert-without-key.yaml': [
    'invalid-tls-cert-without-key.yaml:4:16: exporter.tls.cert_file: a client certificate needs its key: set ' +
      'key_file (or OTEL_EXPORTER_OTLP_CLIENT_KEY) too',
  ],
  'invalid-unknown-metric.yaml': [
    'invalid-unknown-metric.yaml:2:3: metrics: unknown metric "m365.service.statuses" (did you mean ' +
      `"m365.service.status"?); known metrics: ${METRICS.map((metric) => metric.name).join(', ')}`,
  ],
  'invalid-spool-size-syntax.yaml': [
    `invalid-spool-size-syntax.yaml:2:19: state.spool_max_size: "64MB" is not a size; ${SIZE_HINT}`,
  ],
  'invalid-spool-size-too-small.yaml': [
    'invalid-spool-size-too-small.yaml:2:19: state.spool_max_size: "512KiB" is below the minimum of 1MiB',
  ],
  'invalid-spool-size-too-large.yaml': [
    'invalid-spool-size-too-large.yaml:2:19: state.spool_max_size: "8388608GiB" is above the maximum of 8388607GiB',
  ],
  'invalid-resource-empty-name.yaml': [
    'invalid-resource-empty-name.yaml:2:3: resource: attribute names must not be empty',
  ],
  'invalid-resource-service-name.yaml': [
    'invalid-resource-service-name.yaml:2:17: resource["service.name"]: must not be empty',
  ],
  'invalid-resource-value-type.yaml': [
    'invalid-resource-value-type.yaml:2:20: resource["service.version"]: must be a string, not a number',
  ],
  'invalid-server-listen.yaml': [
    'invalid-server-listen.yaml:2:11: server.listen: "localhost" is not host:port, like 127.0.0.1:13133 or [::]:13133',
  ],
  'invalid-proxy-not-url.yaml': [
    'invalid-proxy-not-url.yaml:7:14: tenants[0].http.proxy: "proxy.example.com:3128" is not a URL such as ' +
      'http://proxy.example.com:3128',
  ],
  'invalid-proxy-path.yaml': [
    'invalid-proxy-path.yaml:7:14: tenants[0].http.proxy: "http://proxy.example.com:3128/proxy.pac" must name only ' +
      "the proxy's scheme, host and port",
  ],
  'invalid-no-proxy-list.yaml': ['invalid-no-proxy-list.yaml:2:13: http.no_proxy: must be a string, not a sequence'],
  'invalid-ca-file-unreadable.yaml': [
    `invalid-ca-file-unreadable.yaml:2:12: http.ca_file: cannot read file "${CERTIFICATES}missing.pem": no such file`,
  ],
  'invalid-ca-file-bad-certificate.yaml': [
    `invalid-ca-file-bad-certificate.yaml:2:12: http.ca_file: "${FIXTURES}ca/corrupt-bundle.pem": certificate ` +
      'block 2 of 2 is not a valid X.509 certificate',
  ],
  'invalid-severity-key.yaml': [
    'invalid-severity-key.yaml:3:5: defaults.severity: unknown key "critial" (did you mean "critical"?); allowed ' +
      'keys: critical, warning',
  ],
  'invalid-tenants-from-too-many-patterns.yaml': [
    'invalid-tenants-from-too-many-patterns.yaml:3:3: tenants_from: has 101 patterns, more than the limit of 100',
  ],
  'invalid-tenants-from-pattern-length.yaml': [
    `invalid-tenants-from-pattern-length.yaml:2:16: tenants_from[0]: "tenants.d/${'a'.repeat(67)}…" is 4105 ` +
      'characters long, more than the limit of 4096',
  ],
  'invalid-tenants-from-extglob.yaml': [
    'invalid-tenants-from-extglob.yaml:2:16: tenants_from[0]: "tenants.d/+(a|b)*.yaml" uses the extended glob ' +
      '"+(…)", which is not supported; write {a,b} or several patterns instead',
  ],
  'invalid-tenants-from-braces.yaml': [
    'invalid-tenants-from-braces.yaml:2:16: tenants_from[0]: "tenants.d/{a,b,c,d,e}{a,b,c,d,e}{a,b,c,d,e}.yaml" ' +
      'expands to more than 100 patterns (the limit; brace groups multiply: {a,b}{c,d} is 4); use fewer brace ' +
      'groups, or list the patterns',
  ],
  'invalid-tenants-from-stars.yaml': [
    'invalid-tenants-from-stars.yaml:2:16: tenants_from[0]: "tenants.d/*-*-*-*.yaml" has 4 "*" wildcards between ' +
      'two slashes, more than the limit of 3',
  ],
  'invalid-tenants-from-empty-file.yaml': [
    'customer.yaml:1:1: the file is empty: a tenants file needs a "tenants" list',
  ],
  'invalid-tenants-from-empty-list.yaml': ['customer.yaml:2:10: tenants: at least one tenant is required'],
  'invalid-tenants-from-unknown-key.yaml': ['customer.yaml:1:1: unknown key "defaults"; allowed keys: tenants'],
  'invalid-customers-no-tenant-id.yaml': [
    'invalid-customers-no-tenant-id.yaml:3:32: tenants_from[0].delegated_admin_customers: missing required key "tenant_id"',
  ],
  'invalid-customers-refresh.yaml': [
    'invalid-customers-refresh.yaml:4:79: tenants_from[0].delegated_admin_customers.refresh: "10s" is below the minimum of 1m',
  ],
  'invalid-customers-unknown-key.yaml': [
    'invalid-customers-unknown-key.yaml:4:70: tenants_from[0].delegated_admin_customers: unknown key "exclde" (did ' +
      'you mean "exclude"?); allowed keys: certificate, client_id, client_secret, cloud, credential_expiry, endpoints, events, exclude, ' +
      'federated_token_file, http, include, interval, refresh, severity, tenant_id, timeout',
  ],
  'invalid-customers-partner-client-id.yaml': [
    'invalid-customers-partner-client-id.yaml:3:81: tenants_from[0].delegated_admin_customers.client_id: ' +
      '"not-a-guid" is not a GUID (the application (client) ID of the app registration)',
  ],
  'invalid-tenants-from-not-utf8.yaml': ['customer.yaml: cannot read the tenants file: not valid UTF-8 text'],
};

describe('invalid config fixtures', () => {
  for (const [fixture, expected] of Object.entries(CASES)) {
    test(fixture, async () => {
      assert.deepEqual(formattedProblems(await loadFixture(fixture)), expected);
    });
  }

  test('an invalid AZURE_AUTHORITY_HOST is reported at the login endpoint it stands for', async () => {
    const env = { ...FIXTURE_ENV, AZURE_AUTHORITY_HOST: 'http://login.example.com' };
    assert.deepEqual(formattedProblems(await loadFixture('valid-minimal.yaml', env)), [
      `valid-minimal.yaml: tenants[0].endpoints.login: AZURE_AUTHORITY_HOST: "http://login.example.com" ${HTTP_ONLY_LOOPBACK}`,
    ]);
  });

  test('every invalid-*.yaml fixture has a case', async () => {
    const fixtures = (await readdir(FIXTURES)).filter((name) => name.startsWith('invalid-'));
    const covered = new Set([...Object.keys(CASES), 'invalid-many-problems.yaml']);
    assert.deepEqual(
      fixtures.filter((name) => !covered.has(name)),
      [],
    );
  });
});
