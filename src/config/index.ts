export { loadConfig, parseConfig } from './load-config.ts';
export type { LoadResult } from './load-config.ts';
export { SchemaValidators } from './schema.ts';
export { formatProblem } from './problems.ts';
export { formatDuration, parseDuration } from './values.ts';
export { MAX_FILE_BYTES } from './files.ts';
export { CLOUD_ENDPOINTS, CLOUD_NAMES } from './defaults.ts';
export type { Config, TenantConfig } from './types.ts';
