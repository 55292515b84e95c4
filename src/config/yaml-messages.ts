/**
 * yaml messages that repeat part of the source, rewritten without it: the source may be a secret written with a
 * character YAML reads as syntax (`client_secret: !abc…` is a tag, `|abc…` a block scalar header).
 */
const REWRITES: readonly [RegExp, string][] = [
  [/^Unresolved tag: .*/s, 'unknown tag; quote a value that starts with "!"'],
  [/^Block scalar header includes extra characters: .*/s, 'unexpected characters after "|" or ">"; quote the value'],
  [/^Invalid escape sequence .*/s, 'invalid escape sequence in a double-quoted string'],
  [/^Plain value cannot start with .*/s, 'a plain value cannot start with this character; quote the value'],
];

/** The message of a yaml parse error or warning, as shown to the user. */
export function describeYamlError(code: string, message: string): string {
  if (code === 'RESOURCE_EXHAUSTION') return 'invalid YAML: nested too deeply to parse';
  for (const [pattern, replacement] of REWRITES) if (pattern.test(message)) return `invalid YAML: ${replacement}`;
  return `invalid YAML: ${message}`;
}

/** Message for an alias whose anchor does not exist; the alias name is left out, like the rest of the source. */
export const UNKNOWN_ALIAS_MESSAGE = 'invalid YAML: alias to an unknown anchor; quote a value that starts with "*"';
