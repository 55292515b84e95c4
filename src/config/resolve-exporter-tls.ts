import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { describeReadError } from './files.ts';
import { reportWarning } from './problems.ts';
import type { ProblemSink } from './problems.ts';
import { Secret } from '../shared/secret.ts';
import { pickSetting, reportSetting, sectionOf, type Environment, type Setting } from './values.ts';
import type { ExporterTls } from './types.ts';

/** What reading the TLS files needs: the loader's file reader and the directory relative paths start from. */
export interface TlsFileSources {
  /** Reads a whole text file (bounded); throws with a `code` when it cannot. */
  readFile: (path: string) => string;
  /** The config file's directory. */
  baseDir: string;
}

const FILES = {
  ca: { key: 'ca_file', variable: 'OTEL_EXPORTER_OTLP_CERTIFICATE', what: 'CA certificate' },
  cert: { key: 'cert_file', variable: 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE', what: 'client certificate' },
  key: { key: 'key_file', variable: 'OTEL_EXPORTER_OTLP_CLIENT_KEY', what: 'client key' },
} as const;

type FileKind = keyof typeof FILES;

/** A TLS file as read: the setting it came from and its PEM text. */
interface TlsFile {
  setting: Setting;
  pem: string;
}

/**
 * Resolves `exporter.tls`: `ca_file`, `cert_file` and `key_file` (PEM), each from the file or else from
 * `OTEL_EXPORTER_OTLP_CERTIFICATE`, `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`, `OTEL_EXPORTER_OTLP_CLIENT_KEY`.
 * Files are read and checked now: unreadable, not PEM, a certificate without its key (or the reverse), or a key
 * that does not match its certificate are problems. Paths in the file start from its directory, paths from the
 * environment from the working directory. `undefined` when nothing is set.
 */
export function resolveExporterTls(
  exporter: unknown,
  endpoint: string,
  env: Environment,
  sources: TlsFileSources,
  sink: ProblemSink,
): ExporterTls | undefined {
  const section = sectionOf(sectionOf(exporter)['tls']);
  const pick = (kind: FileKind) =>
    pickSetting(section, ['exporter', 'tls'], FILES[kind].key, env, FILES[kind].variable);
  const settings = { ca: pick('ca'), cert: pick('cert'), key: pick('key') };
  if (!settings.ca && !settings.cert && !settings.key) return undefined;
  const read = (kind: FileKind) => settings[kind] && readTlsFile(kind, settings[kind], sources, sink);
  const [ca, cert, key] = [read('ca'), read('cert'), read('key')];
  if (ca) parsePem('ca', ca, sink);
  const certificate = cert && parsePem('cert', cert, sink);
  const keyObject = key && parsePem('key', key, sink);
  checkPair(settings, certificate, keyObject, sink);
  if (endpoint.startsWith('http://')) {
    reportWarning(sink, ['exporter', 'tls'], `TLS settings have no effect on the plain http:// endpoint ${endpoint}`);
  }
  return { ca: ca?.pem, cert: cert?.pem, key: key && new Secret(key.pem) };
}

function readTlsFile(
  kind: FileKind,
  setting: Setting,
  sources: TlsFileSources,
  sink: ProblemSink,
): TlsFile | undefined {
  if (typeof setting.raw !== 'string') return undefined;
  const written = setting.raw;
  const path = isAbsolute(written)
    ? written
    : setting.variable === undefined
      ? resolve(sources.baseDir, written)
      : resolve(written);
  try {
    return { setting, pem: sources.readFile(path) };
  } catch (error) {
    reportSetting(
      sink,
      setting,
      `${prefix(setting)}cannot read ${FILES[kind].what} file ${JSON.stringify(path)}: ${describeReadError(error)}`,
    );
    return undefined;
  }
}

function prefix(setting: Setting): string {
  return setting.variable === undefined ? '' : `${setting.variable}: `;
}

/** Parses a certificate (the first of a bundle) or an unencrypted private key; reports what is not one. */
function parsePem(kind: 'ca' | 'cert', file: TlsFile, sink: ProblemSink): X509Certificate | undefined;
function parsePem(kind: 'key', file: TlsFile, sink: ProblemSink): KeyObject | undefined;
function parsePem(kind: FileKind, file: TlsFile, sink: ProblemSink): X509Certificate | KeyObject | undefined {
  try {
    return kind === 'key' ? createPrivateKey(file.pem) : new X509Certificate(file.pem);
  } catch {
    const expected = kind === 'key' ? 'unencrypted PEM private key' : 'PEM certificate';
    reportSetting(sink, file.setting, `${prefix(file.setting)}the ${FILES[kind].what} file holds no ${expected}`);
    return undefined;
  }
}

/** A client certificate and its key go together, and must match. */
function checkPair(
  settings: Readonly<Record<FileKind, Setting | undefined>>,
  certificate: X509Certificate | undefined,
  key: KeyObject | undefined,
  sink: ProblemSink,
): void {
  const { cert: certSetting, key: keySetting } = settings;
  if (certSetting !== undefined && keySetting === undefined) {
    const message = 'a client certificate needs its key: set key_file (or OTEL_EXPORTER_OTLP_CLIENT_KEY) too';
    reportSetting(sink, certSetting, `${prefix(certSetting)}${message}`);
  } else if (keySetting !== undefined && certSetting === undefined) {
    const message = 'a client key needs its certificate: set cert_file (or OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE) too';
    reportSetting(sink, keySetting, `${prefix(keySetting)}${message}`);
  } else if (certificate && key && keySetting && !certificate.checkPrivateKey(key)) {
    reportSetting(sink, keySetting, `${prefix(keySetting)}the client key does not match the client certificate`);
  }
}

/** `exporter` with its resolved `tls` added, when any TLS setting is given. */
export function withExporterTls<T extends { endpoint: string }>(
  exporter: T,
  raw: unknown,
  env: Environment,
  sources: TlsFileSources,
  sink: ProblemSink,
): T {
  const tls = resolveExporterTls(raw, exporter.endpoint, env, sources, sink);
  return tls === undefined ? exporter : { ...exporter, tls };
}
