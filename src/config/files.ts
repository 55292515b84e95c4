import { closeSync, constants, fstatSync, openSync, readSync, statfsSync, type Stats, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { isPlainObject, isSecretPath, type PathSegment, type ProblemSink, reportUnexpanded } from './problems.ts';
import { type Environment, reportSetting, type Setting } from './values.ts';

/** The largest config file, or file referenced by `${file:…}`, that is read: 1 MiB. */
export const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Opens for reading without waiting: a FIFO that appears between the type check and the open (or a device that
 * would wait for a writer) returns at once and is then refused by the type of the opened descriptor.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** An error with a code, like the ones `node:fs` throws, for limits of our own. */
function codedError(code: string, message: string, fields: Record<string, string> = {}): Error {
  return Object.assign(new Error(message), { code, ...fields });
}

/**
 * Refuses what is not stored data, by its type and before reading: a directory (`EISDIR`), a FIFO, socket or device,
 * and a file of `/proc`, `/sys` or another kernel filesystem (`ENOTREG`, with `kind` in words). Reading one of those
 * could wait for ever for a writer, or never end.
 */
function requireRegularFile(stats: Stats, path: string): void {
  if (stats.isDirectory()) throw codedError('EISDIR', `${path} is a directory`);
  if (!stats.isFile()) throw codedError('ENOTREG', `${path} is not a regular file`, { kind: describeFileType(stats) });
  const pseudo = findPseudoFilesystem(path);
  if (pseudo !== undefined)
    throw codedError('ENOTREG', `${path} is a ${pseudo} file`, { kind: `a ${pseudo} pseudo file` });
}

/**
 * Reads a whole file of at most {@link MAX_FILE_BYTES} as bytes, never more than one byte past the limit (a huge file
 * is not read through). Throws an error with `code` `EFBIG` when larger, `EISDIR` or `ENOTREG` for what is not a
 * regular file (see {@link requireRegularFile}), or the `node:fs` code.
 */
export function readFileBoundedSync(path: string): Uint8Array {
  requireRegularFile(statSync(path), path);
  const fd = openSync(path, OPEN_FLAGS);
  try {
    requireRegularFile(fstatSync(fd), path);
    const buffer = new Uint8Array(MAX_FILE_BYTES + 1);
    let length = 0;
    while (length < buffer.byteLength) {
      const bytesRead = readSync(fd, buffer, length, buffer.byteLength - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > MAX_FILE_BYTES) throw codedError('EFBIG', `${path} is larger than ${MAX_FILE_BYTES} bytes`);
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** {@link readFileBoundedSync} for UTF-8 text; throws with `code` `EILSEQ` when the file is not UTF-8. */
export function readTextFileBoundedSync(path: string): string {
  const bytes = readFileBoundedSync(path);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw codedError('EILSEQ', `${path} is not valid UTF-8`);
  }
}

/**
 * Filesystems whose files are views of the kernel rather than stored data, by `statfs` type: they may read without
 * end, block, or make a recursive `mkdir` loop for ever.
 */
const PSEUDO_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, '/proc'],
  [0x62656572, '/sys'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x62656570, 'configfs'],
  [0x1cd1, 'devpts'],
  [0x42494e4d, 'binfmt_misc'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0xde5e81e4, 'efivarfs'],
]);

/** The name of the pseudo filesystem that holds `path` (`/proc`, `/sys`, …), or `undefined` for real storage. */
export function findPseudoFilesystem(path: string): string | undefined {
  try {
    return PSEUDO_FILESYSTEMS.get(Number(statfsSync(path).type));
  } catch {
    return undefined;
  }
}

/** What a file that is not a regular file is, in words: `a FIFO (named pipe)`, `a socket`, … */
export function describeFileType(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return stats.isFile() ? 'a regular file' : 'not a file';
}

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a parent is not a directory',
  EFBIG: 'larger than 1 MiB',
  EILSEQ: 'not valid UTF-8 text',
};

/**
 * Words for a file read failure, from its error code only (an error message may quote content), and for a file
 * that is not a regular one, from the kind that the reader named.
 */
export function describeReadError(error: unknown): string {
  const { code, kind } = (error ?? {}) as { code?: unknown; kind?: unknown };
  if (typeof code !== 'string') return 'read failed';
  if (code === 'ENOTREG') return `${typeof kind === 'string' ? kind : 'a special file'}, not a regular file`;
  return READ_ERRORS[code] ?? code;
}

/** Keys whose value is a credential when written literally (not as `${env:…}` or `${file:…}`). */
const SECRET_KEYS = new Set(['client_secret', 'password', 'proxy']);

/** Whether the parsed content of a file, before its references are expanded, writes a credential itself. */
export function holdsLiteralSecret(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(holdsLiteralSecret);
  if (typeof node !== 'object' || node === null) return false;
  return Object.entries(node).some(([key, value]) =>
    SECRET_KEYS.has(key) && typeof value === 'string'
      ? value !== '' && !value.includes('${') && (key !== 'proxy' || /\/\/[^/@]+@/.test(value))
      : holdsLiteralSecret(value),
  );
}

/**
 * Warnings for the files given, which hold a literal secret (a client secret, a certificate password, proxy
 * credentials; see {@link holdsLiteralSecret}), that group or others may read. A file that can no longer be
 * examined is left out.
 */
export async function checkSecretFilePermissions(files: readonly string[]): Promise<string[]> {
  const warnings: string[] = [];
  for (const file of files) {
    try {
      const mode = (await stat(file)).mode & 0o777;
      if ((mode & 0o077) === 0) continue;
      warnings.push(
        `${file}: holds a literal secret and is readable by group or others (mode ${mode.toString(8).padStart(3, '0')}): ` +
          'chmod 600 it, or reference the secret with ${env:NAME} or ${file:PATH}',
      );
    } catch {
      continue;
    }
  }
  return warnings;
}

/** Where the files a configuration names (CA bundles, TLS files, `${file:…}`) are read. */
export interface FileSources {
  /** Directory relative paths start from: the config file's. */
  baseDir: string;
  /** Reads a whole text file (bounded); throws with a `code` such as `ENOENT` when it cannot. */
  readFile: (path: string) => string;
}

/**
 * A path as written: relative ones start from `baseDir`, or from the working directory for a path taken from an
 * environment variable (`fromEnv`), as the OpenTelemetry and Azure SDKs read them.
 */
export function resolvePath(path: string, baseDir: string, fromEnv = false): string {
  if (isAbsolute(path)) return path;
  return fromEnv ? resolve(path) : resolve(baseDir, path);
}

/**
 * Reads the file that `setting` names (a path, resolved by {@link resolvePath}) with `read`. When it cannot, reports
 * `cannot read <what> "<path>": <reason>` at the setting, led by its environment variable if any, and returns
 * `undefined`.
 */
export function readNamedFile<T>(
  setting: Setting,
  what: string,
  read: (path: string) => T,
  baseDir: string,
  sink: ProblemSink,
): { path: string; content: T } | undefined {
  const path = resolvePath(String(setting.raw), baseDir, setting.variable !== undefined);
  try {
    return { path, content: read(path) };
  } catch (error) {
    reportSetting(sink, setting, `cannot read ${what} ${JSON.stringify(path)}: ${describeReadError(error)}`, true);
    return undefined;
  }
}

/** What `${env:…}` and `${file:…}` read from. */
export interface ExpandSources extends FileSources {
  env: Environment;
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
export function expandReferences(
  value: unknown,
  sources: ExpandSources,
  sink: ProblemSink,
  at: PathSegment[] = [],
): unknown {
  if (typeof value === 'string') return value.includes('$') ? expandString(value, at, sources, sink) : value;
  if (Array.isArray(value)) return value.map((item, index) => expandReferences(item, sources, sink, [...at, index]));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, expandReferences(item, sources, sink, [...at, key])]),
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
  const path = resolvePath(target, sources.baseDir);
  try {
    return sources.readFile(path).replace(/\r?\n$/, '');
  } catch (error) {
    reportUnexpanded(sink, at, `cannot read file ${JSON.stringify(path)}: ${describeReadError(error)}`);
    return '';
  }
}
