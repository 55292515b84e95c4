import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/** The repository root, where docker-compose.yml and deploy/ live. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A path in the repository, from a path relative to its root. */
export function repoPath(relative: string): string {
  return join(REPO_ROOT, relative);
}

/** The text of a repository file. */
export function readRepoFile(relative: string): string {
  return readFileSync(repoPath(relative), 'utf8');
}

/** A YAML file of the repository, parsed (YAML 1.2 core schema: `on`/`yes` stay strings, as Compose reads them). */
export function readYaml(relative: string): unknown {
  return parse(readRepoFile(relative), { uniqueKeys: true });
}

/** Every document of a multi-document YAML file; fails on the first syntax error. */
export function readYamlDocuments(relative: string): unknown[] {
  return parseAllDocuments(readRepoFile(relative), { uniqueKeys: true }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${relative}: ${doc.errors[0].message}`);
    return doc.toJS() as unknown;
  });
}

/** A plain object view of a parsed YAML/JSON value (empty for anything else), to walk without casts everywhere. */
export function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** An array view of a parsed value (empty for anything else). */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

const VERSION_TAG = /^v?\d+\.\d+\.\d+([-.][0-9A-Za-z.-]+)?$/;

/**
 * Whether an image reference names an exact release: a `repository:tag` whose tag is a full version
 * (`0.159.0`, `v3.7.3`, `24.21.0-bookworm-slim`), or a digest. `latest`, `24`, `24-slim` and no tag are not.
 */
export function isPinnedImage(reference: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(reference)) return true;
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  if (colon <= slash) return false;
  return VERSION_TAG.test(reference.slice(colon + 1));
}
