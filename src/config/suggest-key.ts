const MAX_DISTANCE = 2;

/**
 * The allowed key closest to a misspelt one (`endpiont` → `endpoint`, `tenantId` → `tenant_id`), if any is within
 * two edits once case and separators are ignored.
 */
export function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  const wanted = normalize(key);
  let best: string | undefined;
  let bestDistance = MAX_DISTANCE + 1;
  for (const candidate of allowed) {
    const distance = editDistance(wanted, normalize(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[_\-. ]/g, '');
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > MAX_DISTANCE) return MAX_DISTANCE + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
