import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formattedProblems, loadFixture } from './fixture-support.ts';

test('every problem of a file is reported at once, in file order, each at its line and column', async () => {
  assert.deepEqual(formattedProblems(await loadFixture('invalid-many-problems.yaml')), [
    'invalid-many-problems.yaml:2:13: exporter.endpoint: "http://otlp.example.com:4318" uses plain http:// to a ' +
      'remote host; use https://, or http:// only for localhost, 127.0.0.0/8 or ::1',
    'invalid-many-problems.yaml:3:13: exporter.interval: 60 has no unit; write a duration such as "30s", "5m" or ' +
      '"1m30s" (units: h, m, s, ms)',
    'invalid-many-problems.yaml:5:10: defaults.cloud: must be one of global, usgov, usgovdod, china; got "azure"',
    'invalid-many-problems.yaml:8:16: tenants[0].tenant_id: "contoso" is neither a GUID nor a domain name such as ' +
      'contoso.onmicrosoft.com',
    'invalid-many-problems.yaml:11:5: tenants[0]: unknown key "intervall" (did you mean "interval"?); allowed keys: ' +
      'certificate, client_id, client_secret, cloud, credential_expiry, endpoints, events, federated_token_file, http, interval, name, ' +
      'severity, tenant_id, timeout',
    'invalid-many-problems.yaml:12:5: tenants[1]: missing required key "client_id": set it here or in defaults',
    'invalid-many-problems.yaml:12:11: tenants[1].name: duplicate tenant name "contoso": tenants[0] (line 7) has it ' +
      'too; names must be unique',
    'invalid-many-problems.yaml:14:20: tenants[1].client_secret: environment variable FABRIKAM_CLIENT_SECRET is not set',
    'invalid-many-problems.yaml:15:14: tenants[1].timeout: "0s" must be greater than 0',
  ]);
});
