/**
 * The small part of OData `$filter` that works in practice on Graph's issues: equality on a few properties,
 * joined by `and` (`isResolved eq false and service eq 'Microsoft Teams'`). String comparisons ignore case.
 */

const FILTERABLE = ['id', 'service', 'status', 'classification', 'featureGroup', 'feature', 'origin', 'isResolved'];
const CLAUSE = /^\s*([A-Za-z]+)\s+eq\s+('(?:[^']|'')*'|true|false)\s*$/;

/** A predicate over wire objects; a string is the message of a 400 for a filter the simulator cannot evaluate. */
export function parseIssueFilter(filter: string): ((item: Record<string, unknown>) => boolean) | string {
  const clauses = filter.split(/\s+and\s+/i).map((clause) => CLAUSE.exec(clause));
  if (clauses.some((c) => c === null)) return `Invalid filter clause: '${filter}'.`;
  const tests = (clauses as RegExpExecArray[]).map(([, property, literal]) => ({
    property: property,
    value: literal.startsWith("'") ? literal.slice(1, -1).replaceAll("''", "'") : literal === 'true',
  }));
  const unknown = tests.find((t) => !FILTERABLE.includes(t.property));
  if (unknown)
    return `Could not find a property named '${unknown.property}' on type 'microsoft.graph.serviceHealthIssue'.`;
  return (item) => tests.every(({ property, value }) => matches(item[property], value));
}

function matches(actual: unknown, expected: string | boolean): boolean {
  if (typeof expected === 'boolean') return actual === expected;
  return typeof actual === 'string' && actual.toLowerCase() === expected.toLowerCase();
}
