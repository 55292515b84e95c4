/** Pairs read from a `key1=value1,key2=value2` environment variable, or why it could not be read. */
export type KeyValueList = { ok: true; entries: [string, string][] } | { ok: false; message: string };

/**
 * Reads the list format of `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_RESOURCE_ATTRIBUTES`: comma-separated
 * `key=value` pairs, keys and values trimmed, values percent-decoded, empty entries skipped. Messages name entries
 * by position and key, never by value (header values are often credentials).
 */
export function parseKeyValueList(text: string): KeyValueList {
  const entries: [string, string][] = [];
  const parts = text.split(',');
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index].trim();
    if (part === '') continue;
    const equals = part.indexOf('=');
    if (equals === -1) return failure(`entry ${index + 1} has no "="; expected key=value pairs separated by commas`);
    const key = part.slice(0, equals).trim();
    if (key === '') return failure(`entry ${index + 1} has an empty key`);
    const value = decodePercent(part.slice(equals + 1).trim());
    if (value === undefined) return failure(`the value of ${JSON.stringify(key)} is not valid percent-encoding`);
    entries.push([key, value]);
  }
  return { ok: true, entries };
}

function failure(message: string): KeyValueList {
  return { ok: false, message };
}

function decodePercent(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
