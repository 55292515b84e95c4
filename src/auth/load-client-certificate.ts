import type { ClientCertificate } from '../certificate/client-certificate.ts';
import { readClientCertificate } from '../certificate/read-client-certificate.ts';
import { describeReadError, readFileBoundedSync } from '../config/files.ts';
import type { TenantCertificate } from '../config/types.ts';

/** A certificate file as loaded: the certificate and its key, or why not (`unreadable`: the file could not be read). */
export type CertificateLoad =
  | { readonly ok: true; readonly certificate: ClientCertificate }
  | { readonly ok: false; readonly unreadable: boolean; readonly message: string };

/**
 * Reads the certificate and private key of `file` and checks them at `now`, as the configuration did when it loaded:
 * the file may have been removed, or replaced, since. `readBytes` reads a whole file (default: a regular file of at
 * most 1 MiB). Never throws; messages hold no secret.
 */
export function loadClientCertificate(
  file: Pick<TenantCertificate, 'path' | 'password'>,
  now: number,
  readBytes: (path: string) => Uint8Array = readFileBoundedSync,
): CertificateLoad {
  let bytes: Uint8Array;
  try {
    bytes = readBytes(file.path);
  } catch (error) {
    return { ok: false, unreadable: true, message: describeReadError(error) };
  }
  const reading = readClientCertificate({ bytes, password: file.password?.reveal(), now });
  return reading.ok ? reading : { ok: false, unreadable: false, message: reading.message };
}
