import { isAbsolute, resolve } from 'node:path';
import { describeReadError } from './files.ts';
import { isPlainObject, isSecretPath, type ProblemSink, reportUnexpanded } from './problems.ts';
import type { Environment } from './values.ts';
import type { PathSegment } from './yaml-source.ts';

/** What `${env:…}` and `${file:…}` read from. */
export interface ExpandSources {
  env: Environment;
  /** Reads a whole text file; throws (with a `code` such as `ENOENT`) when it cannot. */
  readFile: (path: string) => string;
  /** Directory that relative `${file:…}` paths start from: the config file's. */
  baseDir: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_NAME_HINT = 'a name is letters, digits and "_", not starting with a digit';
const SYNTAX_HINT = 'use ${env:NAME} or ${file:PATH}, and $$ for a literal $';

/**
 * Replaces `${env:NAME}` and `${file:PATH}` references in every string value of the loaded tree, with the syntax of
 * the OpenTelemetry Collector: `$$` is a literal `$`, a `$` before anything else stays as is. Expansion is a single
 * pass over scalars after parsing, so expanded text is never read as YAML nor expanded again. A file's content loses
 * one trailing newline. Mapping keys are not expanded.
 */
export function expandReferences(value: unknown, sources: ExpandSources, sink: ProblemSink): unknown {
  return expandNode(value, [], sources, sink);
}

function expandNode(value: unknown, at: PathSegment[], sources: ExpandSources, sink: ProblemSink): unknown {
  if (typeof value === 'string') return value.includes('$') ? expandString(value, at, sources, sink) : value;
  if (Array.isArray(value)) return value.map((item, index) => expandNode(item, [...at, index], sources, sink));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, expandNode(item, [...at, key], sources, sink)]),
  );
}

function expandString(text: string, at: PathSegment[], sources: ExpandSources, sink: ProblemSink): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar === -1 || dollar === text.length - 1) return out + text.slice(i);
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const close = text.indexOf('}', dollar + 2);
      if (close === -1) {
        reportUnexpanded(sink, at, `unterminated reference: missing "}" after "\${"; ${SYNTAX_HINT}`);
        return out + text.slice(dollar);
      }
      out += resolveReference(text.slice(dollar + 2, close), at, sources, sink);
      i = close + 1;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return out;
}

function resolveReference(inner: string, at: PathSegment[], sources: ExpandSources, sink: ProblemSink): string {
  const colon = inner.indexOf(':');
  const scheme = colon === -1 ? '' : inner.slice(0, colon);
  const target = inner.slice(colon + 1);
  const shown = isSecretPath(at) ? '' : ` ${JSON.stringify(`\${${inner}}`)}`;
  if (scheme === 'env') {
    if (!ENV_NAME.test(target)) {
      reportUnexpanded(sink, at, `invalid environment variable name in reference${shown}; ${ENV_NAME_HINT}`);
      return '';
    }
    const value = sources.env[target];
    if (value === undefined) reportUnexpanded(sink, at, `environment variable ${target} is not set`);
    return value ?? '';
  }
  if (scheme === 'file' && target !== '') return readReferencedFile(target, at, sources, sink);
  reportUnexpanded(sink, at, `unknown reference${shown}; ${SYNTAX_HINT}`);
  return '';
}

function readReferencedFile(target: string, at: PathSegment[], sources: ExpandSources, sink: ProblemSink): string {
  const path = isAbsolute(target) ? target : resolve(sources.baseDir, target);
  try {
    return sources.readFile(path).replace(/\r?\n$/, '');
  } catch (error) {
    reportUnexpanded(sink, at, `cannot read file ${JSON.stringify(path)}: ${describeReadError(error)}`);
    return '';
  }
}
