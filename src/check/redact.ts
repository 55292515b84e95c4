/** What replaces a secret in anything printed. */
export const REDACTED = '[redacted]';

/** Form and JSON fields whose values are credentials. */
const SENSITIVE_FIELDS: ReadonlySet<string> = new Set([
  'client_secret',
  'client_assertion',
  'assertion',
  'access_token',
  'refresh_token',
  'id_token',
  'password',
]);

/** Headers whose values are credentials; `authorization` keeps its scheme (`Bearer [redacted]`). */
const SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
]);

/** Something shaped like a JWT (three base64url parts starting with `eyJ`). */
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/g;

/** Header lines `name: value` with credentials hidden. */
export function redactHeaders(headers: Headers): string[] {
  return [...headers.entries()].map(([name, value]) => {
    if (!SENSITIVE_HEADERS.has(name)) return `${name}: ${value}`;
    const scheme = name.endsWith('authorization') ? /^\S+(?=\s)/.exec(value)?.[0] : undefined;
    return `${name}: ${scheme === undefined ? REDACTED : `${scheme} ${REDACTED}`}`;
  });
}

/** A form-encoded body with the values of credential fields hidden. */
export function redactForm(body: string): string {
  const params = new URLSearchParams(body);
  for (const name of [...params.keys()]) if (SENSITIVE_FIELDS.has(name)) params.set(name, REDACTED);
  return params.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED);
}

/** A JSON text with the values of credential fields hidden at any depth; undefined when it is not JSON. */
export function redactJson(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return JSON.stringify(parsed, (key, value: unknown) => (SENSITIVE_FIELDS.has(key) ? REDACTED : value));
}

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

/** The access tokens a token endpoint's JSON answer carries, to scrub them from later output. */
export function findTokens(text: string): string[] {
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return ['access_token', 'refresh_token', 'id_token']
      .map((key) => parsed[key])
      .filter((v): v is string => typeof v === 'string');
  } catch {
    return [];
  }
}
