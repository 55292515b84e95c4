/** The names a PromQL expression uses: metric-looking identifiers and label names. */
export interface PromqlNames {
  /** Identifiers outside label matchers and grouping clauses (metric names, functions, keywords). */
  readonly identifiers: readonly string[];
  /** Label names in `{...}` matchers, `by`/`without`/`on`/`ignoring`/`group_left`/`group_right` lists. */
  readonly labels: readonly string[];
}

const STRING = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;
const GROUPING = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;
const MATCHERS = /\{([^}]*)\}/g;
const RANGE = /\[[^\]]*\]/g;

/**
 * Reads the names out of a PromQL expression (as Grafana stores it, `$variables` included). Small and lexical: it
 * is enough for the expressions of a dashboard, not a PromQL parser.
 */
export function readPromqlNames(expr: string): PromqlNames {
  let rest = expr
    .replace(STRING, '""')
    .replace(/\$\{?\w+\}?/g, '')
    .replace(RANGE, '');
  const labels: string[] = [];
  rest = rest.replace(GROUPING, (_, names: string) => {
    labels.push(
      ...names
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== ''),
    );
    return ' ';
  });
  rest = rest.replace(MATCHERS, (_, body: string) => {
    for (const match of body.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) labels.push(match[1]);
    return ' ';
  });
  const identifiers = [...rest.matchAll(/[a-zA-Z_:][\w:]*/g)].map((match) => match[0]);
  return { identifiers, labels };
}

/** The label names a Grafana legend or title template uses: `{{name}}`. */
export function readTemplateLabels(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([a-zA-Z_]\w*)\s*\}\}/g)].map((match) => match[1]);
}
