import type { TenantConfig } from '../config/types.ts';
import { M365Error } from '../errors.ts';
import type { ClientCredential } from './client-auth.ts';

/** The credential a loaded tenant configures: its certificate, federated token file or client secret. */
export function tenantCredential(tenant: TenantConfig): ClientCredential {
  if (tenant.certificate) return { kind: 'certificate', ...tenant.certificate };
  if (tenant.federatedTokenFile !== undefined) return { kind: 'federated', tokenFile: tenant.federatedTokenFile };
  if (tenant.clientSecret) return { kind: 'secret', secret: tenant.clientSecret };
  throw new M365Error('CONFIG_INVALID', `tenant ${tenant.name} has no credential`);
}
