/** What the client asked about paging: `$skip`/`$skiptoken` and `Prefer: odata.maxpagesize`. */
export interface PageRequest {
  readonly offset: number;
  /** The page size honoured from `Prefer`, when there was one. */
  readonly preferred: number | undefined;
}

/** One page of a collection, and where the next starts (undefined on the last page). */
export interface Page<T> {
  readonly items: T[];
  readonly nextOffset: number | undefined;
}

const MAX_PAGE_SIZE = 1000;

/** Reads the paging inputs; a string is an error message for a 400. */
export function readPageRequest(query: URLSearchParams, prefer: string | undefined): PageRequest | string {
  const skip = query.get('$skip');
  const token = query.get('$skiptoken');
  let offset = 0;
  if (skip !== null) {
    if (!/^\d+$/.test(skip)) return `Invalid value '${skip}' for $skip.`;
    offset = Number(skip);
  } else if (token !== null) {
    const decoded = decodeSkipToken(token);
    if (decoded === undefined) return `Invalid $skiptoken '${token}'.`;
    offset = decoded;
  }
  const match = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(prefer ?? '');
  const preferred = match ? Math.min(MAX_PAGE_SIZE, Math.max(1, Number(match[1]))) : undefined;
  return { offset, preferred };
}

/** The page size: the client's preference or the server's, split further when the scenario forces `pages`. */
export function pageSizeFor(
  total: number,
  request: PageRequest,
  serverSize: number,
  forced: number | undefined,
): number {
  const size = request.preferred ?? serverSize;
  return forced === undefined ? size : Math.max(1, Math.min(size, Math.ceil(total / forced)));
}

/** Cuts one page out of a collection. */
export function takePage<T>(items: readonly T[], offset: number, size: number): Page<T> {
  const end = offset + size;
  return { items: items.slice(offset, end), nextOffset: end < items.length ? end : undefined };
}

/** An opaque `$skiptoken`, the way Graph hands out continuation tokens. */
export function encodeSkipToken(offset: number): string {
  return Buffer.from(`offset:${offset}`, 'utf8').toString('base64url');
}

function decodeSkipToken(token: string): number | undefined {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/** The absolute next link: same path and options, with the new position. */
export function buildNextLink(
  origin: string,
  path: string,
  query: URLSearchParams,
  next: { name: '$skip' | '$skiptoken'; value: string },
): string {
  const parts = [...query.entries()]
    .filter(([key]) => key !== '$skip' && key !== '$skiptoken')
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
  parts.push(`${next.name}=${encodeURIComponent(next.value)}`);
  return `${origin}${path}?${parts.join('&')}`;
}
