import { stat } from 'node:fs/promises';
import { parse } from 'yaml';
import { readTextFileBounded } from './read-bounded.ts';

/** Keys whose value is a credential when written literally (not as `${env:…}` or `${file:…}`). */
const SECRET_KEYS = new Set(['client_secret', 'password', 'proxy']);

function holdsLiteralSecret(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(holdsLiteralSecret);
  if (typeof node !== 'object' || node === null) return false;
  return Object.entries(node).some(([key, value]) =>
    SECRET_KEYS.has(key) && typeof value === 'string'
      ? value !== '' && !value.includes('${') && (key !== 'proxy' || /\/\/[^/@]+@/.test(value))
      : holdsLiteralSecret(value),
  );
}

/**
 * Warnings for config files that hold a literal secret (a client secret, a certificate password, proxy
 * credentials) while group or others may read them. Files are read with the loader's bounds (a file swapped for a
 * FIFO since is not waited on); those that cannot be read or parsed here are left to the loader.
 */
export async function checkSecretFilePermissions(files: readonly string[]): Promise<string[]> {
  const warnings: string[] = [];
  for (const file of files) {
    try {
      const mode = (await stat(file)).mode & 0o777;
      if ((mode & 0o077) === 0) continue;
      if (!holdsLiteralSecret(parse(await readTextFileBounded(file), { maxAliasCount: 100 }))) continue;
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
