import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLIENT, SEED_SECRET, startCheckHarness, TENANT, type CheckHarness } from './check-harness.ts';

const NO_APPLICATION_ROLE = '88888888-8888-8888-8888-888888888888';
const SYNC = 'aaaaaaaa-0000-0000-0000-000000000001';
const BACKUP = 'bbbbbbbb-0000-0000-0000-000000000002';
const SECRET_KEY = 'cccccccc-0000-0000-0000-000000000003';
const CERTIFICATE_KEY = 'dddddddd-0000-0000-0000-000000000004';

/** Two app registrations, one per page: an expired secret, and a certificate ending in ten and a half days. */
const SCENARIO = `
pages: 2
tenants:
  - name: contoso
    tenant_id: ${TENANT}
    clients:
      - { client_id: ${CLIENT}, client_secret: '${SEED_SECRET}' }
      - { client_id: ${NO_APPLICATION_ROLE}, client_secret: sim-no-role, application_permission: false }
    services: [Exchange]
    applications:
      - id: ${SYNC}
        name: Contoso Sync
        password_credentials: [{ key_id: ${SECRET_KEY}, end: -1d }]
      - id: ${BACKUP}
        name: Backup Agent
        key_credentials: [{ key_id: ${CERTIFICATE_KEY}, end: 252h }]
`;

describe('check --mode=app-credentials against the simulator', () => {
  let harness: CheckHarness;
  before(async () => {
    harness = await startCheckHarness({ scenario: SCENARIO });
  });
  after(() => harness.close());

  test('every page of the applications is read; the expired secret is critical, the certificate warns', async () => {
    const { code, stdout } = await harness.run(['--mode=app-credentials', '--unit=d', '--warning-key-expires=@0:30']);
    // The seconds left on the certificate depend on when the run starts: 10.5 days, less the time since.
    const shown = stdout.replace(/expires in 1w 3d 1[12]h[\dms ]*?(?= \|)/, 'expires in 1w 3d 12h');
    assert.equal(
      shown,
      `CRITICAL: application 'Contoso Sync' password credential '${SECRET_KEY}' status: expired ` +
        `WARNING: application 'Backup Agent' key credential '${CERTIFICATE_KEY}' expires in 1w 3d 12h |` +
        ` 'Contoso Sync~${SECRET_KEY}#application.password.expires.days'=0d;;;0;` +
        ` 'Backup Agent~${CERTIFICATE_KEY}#application.key.expires.days'=10d;@0:30;;0;\n`,
    );
    assert.equal(code, 2);
    assert.equal(harness.requests('/v1.0/applications').length, 2);
  });

  test('without Application.Read.All: UNKNOWN naming the permission', async () => {
    const connection = harness.connection({ client: NO_APPLICATION_ROLE, secret: 'sim-no-role' });
    const { code, stdout } = await harness.run([...connection, '--mode=app-credentials'], { connection: false });
    assert.equal(
      stdout,
      'UNKNOWN: Graph endpoint API returned an error: HTTP 403 on the applications: ' +
        'grant the application permission Application.Read.All with admin consent\n',
    );
    assert.equal(code, 3);
  });
});
