import type { CloudName, Endpoints } from './types.ts';

/** Login and Graph hosts of each Microsoft cloud (GCC is global, GCC High is usgov, DoD is usgovdod). */
export const CLOUD_ENDPOINTS: Readonly<Record<CloudName, Endpoints>> = Object.freeze({
  global: { login: 'https://login.microsoftonline.com', graph: 'https://graph.microsoft.com' },
  usgov: { login: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.us' },
  usgovdod: { login: 'https://login.microsoftonline.us', graph: 'https://dod-graph.microsoft.us' },
  china: { login: 'https://login.chinacloudapi.cn', graph: 'https://microsoftgraph.chinacloudapi.cn' },
});

export const CLOUD_NAMES = Object.keys(CLOUD_ENDPOINTS) as CloudName[];

/**
 * The Azure SDK's environment variables, read as fallbacks when the config has a single tenant (the way the Azure
 * SDK's `EnvironmentCredential` and `WorkloadIdentityCredential` read them, e.g. as set by the AKS workload identity
 * webhook).
 */
export const AZURE = Object.freeze({
  tenantId: 'AZURE_TENANT_ID',
  clientId: 'AZURE_CLIENT_ID',
  clientSecret: 'AZURE_CLIENT_SECRET',
  certificatePath: 'AZURE_CLIENT_CERTIFICATE_PATH',
  certificatePassword: 'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  federatedTokenFile: 'AZURE_FEDERATED_TOKEN_FILE',
  authorityHost: 'AZURE_AUTHORITY_HOST',
});

/**
 * The cloud whose login host `authorityHost` is (`https://login.microsoftonline.us/` → `usgov`: GCC High and DoD
 * share it; set `cloud: usgovdod` for DoD's Graph), or undefined for another host.
 */
export function cloudOfAuthorityHost(authorityHost: string): CloudName | undefined {
  const origin = URL.parse(authorityHost)?.origin;
  return CLOUD_NAMES.find((name) => CLOUD_ENDPOINTS[name].login === origin);
}
