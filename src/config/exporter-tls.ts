import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { Secret } from '../shared/secret.ts';
import { type FileSources, readNamedFile } from './files.ts';
import type { ProblemSink } from './problems.ts';
import type { ExporterTls, OtlpSignal } from './types.ts';
import { type Environment, otlpVariable, pickSetting, readEnv, reportSetting, type Setting } from './values.ts';

const TLS_FILES = {
  ca: { key: 'ca_file', variable: 'CERTIFICATE', what: 'CA certificate' },
  cert: { key: 'cert_file', variable: 'CLIENT_CERTIFICATE', what: 'client certificate' },
  key: { key: 'key_file', variable: 'CLIENT_KEY', what: 'client key' },
} as const;

type TlsFileKind = keyof typeof TLS_FILES;

const KINDS = Object.keys(TLS_FILES) as TlsFileKind[];

/** `OTEL_EXPORTER_OTLP_CERTIFICATE`, or with a signal `OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE`, and so on. */
function variableOf(kind: TlsFileKind, signal?: OtlpSignal): string {
  return otlpVariable(TLS_FILES[kind].variable, signal);
}

/**
 * Resolves `exporter.tls`: `ca_file`, `cert_file` and `key_file` (PEM), each from the file or else from
 * `OTEL_EXPORTER_OTLP_CERTIFICATE`, `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`, `OTEL_EXPORTER_OTLP_CLIENT_KEY`.
 * With a `signal`, that signal's own variables (`OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE`, …) come before those, and
 * the result is `undefined` unless one of them is used (the signal then has TLS settings of its own).
 * Files are read and checked now: unreadable, not PEM, a certificate without its key (or the reverse), or a key
 * that does not match its certificate are problems. Paths in the file start from its directory, paths from the
 * environment from the working directory. `undefined` when nothing is set.
 */
export function resolveExporterTls(
  section: Readonly<Record<string, unknown>>,
  env: Environment,
  sources: FileSources,
  sink: ProblemSink,
  signal?: OtlpSignal,
): ExporterTls | undefined {
  const at = ['exporter', 'tls'];
  const pick = (kind: TlsFileKind) =>
    (signal && pickSetting(section, at, TLS_FILES[kind].key, env, variableOf(kind, signal))) ??
    pickSetting(section, at, TLS_FILES[kind].key, env, variableOf(kind));
  if (
    signal &&
    !KINDS.some((kind) => section[TLS_FILES[kind].key] === undefined && readEnv(env, variableOf(kind, signal)))
  )
    return undefined;
  const settings = { ca: pick('ca'), cert: pick('cert'), key: pick('key') };
  if (!settings.ca && !settings.cert && !settings.key) return undefined;
  const read = (kind: TlsFileKind): TlsFile | undefined => {
    const setting = settings[kind];
    if (typeof setting?.raw !== 'string') return undefined;
    const file = readNamedFile(setting, `${TLS_FILES[kind].what} file`, sources.readFile, sources.baseDir, sink);
    return file && { setting, pem: file.content };
  };
  const [ca, cert, key] = [read('ca'), read('cert'), read('key')];
  if (ca) parsePem(ca, 'ca', sink);
  const certificate = cert && parsePem(cert, 'cert', sink);
  const keyObject = key && parsePem(key, 'key', sink);
  const { cert: certSetting, key: keySetting } = settings;
  if (certSetting !== undefined && keySetting === undefined) {
    const message = `a client certificate needs its key: set key_file (or ${variableOf('key', signal)}) too`;
    reportSetting(sink, certSetting, message, true);
  } else if (keySetting !== undefined && certSetting === undefined) {
    const message = `a client key needs its certificate: set cert_file (or ${variableOf('cert', signal)}) too`;
    reportSetting(sink, keySetting, message, true);
  } else if (
    keySetting !== undefined &&
    certificate instanceof X509Certificate &&
    keyObject instanceof KeyObject &&
    !certificate.checkPrivateKey(keyObject)
  ) {
    reportSetting(sink, keySetting, 'the client key does not match the client certificate', true);
  }
  return { ca: ca?.pem, cert: cert?.pem, key: key && new Secret(key.pem) };
}

/** A TLS file as read: the setting it came from and its PEM text. */
interface TlsFile {
  setting: Setting;
  pem: string;
}

/** Parses a certificate (the first of a bundle) or an unencrypted private key; reports what is not one. */
function parsePem(file: TlsFile, kind: TlsFileKind, sink: ProblemSink): X509Certificate | KeyObject | undefined {
  try {
    return kind === 'key' ? createPrivateKey(file.pem) : new X509Certificate(file.pem);
  } catch {
    const expected = kind === 'key' ? 'unencrypted PEM private key' : 'PEM certificate';
    const message = `the ${TLS_FILES[kind].what} file holds no ${expected}`;
    reportSetting(sink, file.setting, message, true);
    return undefined;
  }
}
