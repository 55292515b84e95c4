import type { CloudName, Endpoints } from './types.ts';

/** Login and Graph hosts of each Microsoft cloud (GCC is global, GCC High is usgov, DoD is usgovdod). */
export const CLOUD_ENDPOINTS: Readonly<Record<CloudName, Endpoints>> = Object.freeze({
  global: { login: 'https://login.microsoftonline.com', graph: 'https://graph.microsoft.com' },
  usgov: { login: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.us' },
  usgovdod: { login: 'https://login.microsoftonline.us', graph: 'https://dod-graph.microsoft.us' },
  china: { login: 'https://login.chinacloudapi.cn', graph: 'https://microsoftgraph.chinacloudapi.cn' },
});

export const CLOUD_NAMES = Object.keys(CLOUD_ENDPOINTS) as CloudName[];
