import { isAbsolute, resolve } from 'node:path';
import { ASSERTION_ALGORITHMS, type AssertionAlgorithm } from '../certificate/client-certificate.ts';
import { readClientCertificate } from '../certificate/read-client-certificate.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';
import { describeReadError } from './files.ts';
import type { ProblemSink } from './problems.ts';
import { reportSetting, type Setting } from './values.ts';
import type { TenantCertificate } from './types.ts';

/** What reading a certificate at load time needs: where relative paths start, how to read bytes, and when it is. */
export interface CertificateSources {
  /** Directory relative paths start from: the config file's. */
  baseDir: string;
  /** Reads a whole file as bytes (bounded); throws with a `code` when it cannot. */
  readBytes: (path: string) => Uint8Array;
  /** ms since epoch: certificates must be valid then. */
  now: number;
}

/** A certificate as written: its path setting (in the file or `AZURE_CLIENT_CERTIFICATE_PATH`), password, algorithm. */
export interface CertificateInput {
  path: Setting;
  password: string | undefined;
  algorithm: string | undefined;
}

/**
 * Reads and checks a client certificate when the configuration loads, so that an unreadable file, a wrong password, a
 * key that does not match, a non-RSA key or a certificate outside its validity window is a configuration problem,
 * reported at `path`, rather than a refusal from the identity platform later.
 */
export function resolveCertificate(
  input: CertificateInput,
  sources: CertificateSources,
  sink: ProblemSink,
): TenantCertificate | undefined {
  const written = String(input.path.raw);
  // A path from AZURE_CLIENT_CERTIFICATE_PATH is relative to the working directory, as for the Azure SDK.
  const path = isAbsolute(written)
    ? written
    : input.path.variable === undefined
      ? resolve(sources.baseDir, written)
      : resolve(written);
  const shown = JSON.stringify(path);
  const prefix = input.path.variable === undefined ? '' : `${input.path.variable}: `;
  let bytes: Uint8Array;
  try {
    bytes = sources.readBytes(path);
  } catch (error) {
    reportSetting(sink, input.path, `${prefix}cannot read certificate file ${shown}: ${describeReadError(error)}`);
    return undefined;
  }
  const reading = readClientCertificate({ bytes, password: input.password, source: path, now: sources.now });
  if (!reading.ok) {
    reportSetting(sink, input.path, `${prefix}certificate file ${shown}: ${reading.message}`);
    return undefined;
  }
  return { certificate: reading.certificate, algorithm: algorithmOf(input.algorithm) };
}

function algorithmOf(value: string | undefined): AssertionAlgorithm {
  return ASSERTION_ALGORITHMS.find((algorithm) => algorithm === value) ?? CONFIG_DEFAULTS.tenant.certificateAlgorithm;
}
