import { X509Certificate } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { hideUrlCredentials } from '../shared/hide-url-credentials.ts';
import { Secret } from '../shared/secret.ts';
import { describeReadError } from './files.ts';
import { type ProblemSink, reportProblem } from './problems.ts';
import type { HttpSettings } from './types.ts';
import { sectionOf } from './values.ts';
import type { PathSegment } from './yaml-source.ts';

/** Where `ca_file` is read from. */
export interface HttpSources {
  /** Directory relative paths start from: the config file's. */
  baseDir: string;
  /** Reads a whole text file (bounded); throws with a `code` when it cannot. */
  readFile: (path: string) => string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Resolves an `http` section (top-level at `['http']`, or a tenant's) over `inherited`: each key the section sets
 * wins. `proxy` must be an `http://` or `https://` URL of a host (credentials allowed, never shown); `ca_file` must
 * hold PEM certificates, all valid.
 */
export function resolveHttp(
  raw: unknown,
  at: readonly PathSegment[],
  inherited: HttpSettings,
  sources: HttpSources,
  sink: ProblemSink,
): HttpSettings {
  const section = sectionOf(raw);
  if (Object.keys(section).length === 0) return inherited;
  const proxy = section['proxy'];
  const noProxy = section['no_proxy'];
  const caFile = section['ca_file'];
  const ca =
    typeof caFile === 'string' && caFile !== '' ? readCaFile(caFile, [...at, 'ca_file'], sources, sink) : undefined;
  return {
    proxy: typeof proxy === 'string' && proxy !== '' ? checkProxy(proxy, [...at, 'proxy'], sink) : inherited.proxy,
    noProxy: typeof noProxy === 'string' ? noProxy : inherited.noProxy,
    caFile: ca === undefined ? inherited.caFile : ca.path,
    ca: ca === undefined ? inherited.ca : ca.pem,
  };
}

function checkProxy(text: string, at: readonly PathSegment[], sink: ProblemSink): Secret | undefined {
  const url = URL.parse(text);
  const shown = JSON.stringify(hideUrlCredentials(text.length > 200 ? `${text.slice(0, 200)}…` : text));
  let problem: string | undefined;
  if (url === null || url.hostname === '') problem = `${shown} is not a URL such as http://proxy.example.com:3128`;
  else if (url.protocol !== 'http:' && url.protocol !== 'https:')
    problem = `${shown} must start with http:// or https://`;
  else if (url.pathname !== '/' || url.search !== '' || url.hash !== '')
    problem = `${shown} must name only the proxy's scheme, host and port`;
  if (problem === undefined) return new Secret(text);
  reportProblem(sink, at, problem);
  return undefined;
}

function readCaFile(
  file: string,
  at: readonly PathSegment[],
  sources: HttpSources,
  sink: ProblemSink,
): { path: string; pem: string } | undefined {
  const path = isAbsolute(file) ? file : resolve(sources.baseDir, file);
  let text: string;
  try {
    text = sources.readFile(path);
  } catch (error) {
    reportProblem(sink, at, `cannot read file ${JSON.stringify(path)}: ${describeReadError(error)}`);
    return undefined;
  }
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  const invalid = blocks.findIndex((block) => !isCertificate(block));
  if (blocks.length === 0 || invalid !== -1) {
    const what =
      blocks.length === 0
        ? ' holds no PEM certificate (-----BEGIN CERTIFICATE-----)'
        : `: certificate block ${invalid + 1} of ${blocks.length} is not a valid X.509 certificate`;
    reportProblem(sink, at, `${JSON.stringify(path)}${what}`);
    return undefined;
  }
  return { path, pem: blocks.join('\n') };
}

function isCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}
