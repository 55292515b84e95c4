export { loadConfig, parseConfig } from './load-config.ts';
export type { LoadResult, LoadOptions } from './load-config.ts';
export { CompileCache } from './compile-cache.ts';
export type { ConfigSources, WatchedDirectory } from './config-sources.ts';
export { formatProblem } from './format-problem.ts';
export { formatDuration, parseDuration } from './duration.ts';
export { MAX_FILE_BYTES } from './read-bounded.ts';
export { Secret } from './secret.ts';
export { CLOUD_ENDPOINTS, CLOUD_NAMES } from './clouds.ts';
export type {
  CloudName,
  Config,
  ConfigProblem,
  Endpoints,
  ExporterConfig,
  MetricToggle,
  OtlpProtocol,
  TenantConfig,
} from './types.ts';
