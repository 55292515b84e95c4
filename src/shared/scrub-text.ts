/** What replaces a secret in anything printed. */
export const REDACTED = '[redacted]';

/** Something shaped like a JWT (three base64url parts starting with `eyJ`). */
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/g;

/** Replaces every occurrence of the given values (and anything shaped like a JWT) in a text. */
export function scrubText(text: string, secrets: Iterable<string>): string {
  let scrubbed = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    scrubbed = scrubbed.replaceAll(secret, REDACTED);
    for (const encoded of [encodeURIComponent(secret), new URLSearchParams({ v: secret }).toString().slice(2)]) {
      if (encoded !== secret) scrubbed = scrubbed.replaceAll(encoded, REDACTED);
    }
  }
  return scrubbed.replace(JWT, REDACTED);
}
