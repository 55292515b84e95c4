import {
  constructFromEvents,
  defineScalarTag,
  EVENT_ID,
  FAILSAFE_SCHEMA,
  NOT_RESOLVED,
  parseEvents,
  SCALAR_STYLE,
} from 'js-yaml';

/**
 * The plain subset of YAML that configuration and tenants files are mostly written in, read by js-yaml, whose parser
 * makes values straight from a stream of events: block and flow collections, and scalars that can only be strings
 * (plain, or quoted without escapes). The `yaml` package spends about 0.1 ms on a line of a fleet's file and keeps a
 * node with its source range for every value. Outside the subset (anchors, aliases, tags, block scalars, escapes,
 * numbers, booleans, empty values, duplicate keys, document markers, anything js-yaml refuses) this gives up, and
 * `yaml` reads the file, with every check and message it has. What it accepts, it reads as `yaml` does (a property
 * test compares the two).
 */

/** Most collections nested in one another; deeper ones are left to `yaml`, which bounds and reports them. */
const MAX_DEPTH = 32;

/** Characters outside the subset: controls (tab and CR too), line separators, BOM, surrogates, non-characters. */
const OUTSIDE_CHARACTERS = /[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]/;

/** A line that starts or ends a document (`---`, `...`), even indented: js-yaml and `yaml` differ there. */
const DOCUMENT_MARKER = /^ *(?:---|\.\.\.)/m;

/**
 * Plain scalars that YAML 1.2's core schema reads as null (the empty one too), a boolean or a number
 * (https://yaml.org/spec/1.2.2/#1032-tag-resolution), with the `yaml` package's patterns for them.
 */
const NOT_A_STRING =
  /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)?$/;

/** Thrown where the text leaves the subset; caught by {@link readPlainYaml} only. */
class OutsideSubset extends Error {}

/** The failsafe schema (strings, sequences, mappings), giving up on a plain scalar that is not a string. */
const SCHEMA = FAILSAFE_SCHEMA.withTags(
  defineScalarTag('tag:m365-health,2026:not-a-string', {
    implicit: true,
    resolve: (source) => {
      if (NOT_A_STRING.test(source)) throw new OutsideSubset();
      return NOT_RESOLVED;
    },
    identify: () => false,
  }),
);

/** The parsed value of `text`, or `undefined` when the text is outside the subset (or empty). Never throws on input. */
export function readPlainYaml(text: string): unknown {
  if (OUTSIDE_CHARACTERS.test(text) || DOCUMENT_MARKER.test(text)) return undefined;
  try {
    const events = parseEvents(text, { maxDepth: MAX_DEPTH });
    let documents = 0;
    for (const event of events) {
      if (event.type === EVENT_ID.DOCUMENT) {
        if (++documents > 1 || event.directives.length > 0) return undefined;
      } else if (event.type === EVENT_ID.ALIAS) return undefined;
      else if (event.type !== EVENT_ID.POP && (event.anchorStart !== -1 || event.tagStart !== -1)) return undefined;
      else if (event.type === EVENT_ID.SCALAR && !isPlainString(event, text)) return undefined;
    }
    return constructFromEvents(events, { source: text, schema: SCHEMA })[0];
  } catch {
    // A syntax error, a duplicate key, a scalar that is not a string: `yaml` reads it and says what it is.
    return undefined;
  }
}

/** A plain or quoted scalar without escapes: block scalars and escapes are where js-yaml and `yaml` may differ. */
function isPlainString(event: { style: number; valueStart: number; valueEnd: number }, text: string): boolean {
  if (event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.PLAIN) return true;
  return event.style === SCALAR_STYLE.DOUBLE_QUOTED && !text.slice(event.valueStart, event.valueEnd).includes('\\');
}
