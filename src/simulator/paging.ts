/** One page of a collection as Graph serves it, or the message of a 400 for paging options it cannot honour. */
export type Page<T> =
  { readonly items: T[]; readonly nextLink: string | undefined; readonly preferred: number | undefined } | string;

const MAX_PAGE_SIZE = 1000;

/**
 * Cuts the page a request asks for (`$skip` or `$skiptoken`, `Prefer: odata.maxpagesize` up to 1000, else
 * `serverSize`; split further when the scenario forces at least `forcedPages`), with an absolute next link (same path
 * and options, the new position as `$skip` or as an opaque `$skiptoken`, the way Graph hands out continuations).
 */
export function takePage<T>(
  all: readonly T[],
  request: { origin: string; url: URL; prefer: string; style: '$skip' | '$skiptoken' },
  serverSize: number,
  forcedPages: number | undefined,
): Page<T> {
  const query = request.url.searchParams;
  const [skip, token] = [query.get('$skip'), query.get('$skiptoken')];
  let offset = 0;
  if (skip !== null) {
    if (!/^\d+$/.test(skip)) return `Invalid value '${skip}' for $skip.`;
    offset = Number(skip);
  } else if (token !== null) {
    const decoded = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!decoded) return `Invalid $skiptoken '${token}'.`;
    offset = Number(decoded[1]);
  }
  const match = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(request.prefer);
  const preferred = match ? Math.min(MAX_PAGE_SIZE, Math.max(1, Number(match[1]))) : undefined;
  const size = preferred ?? serverSize;
  const end =
    offset + (forcedPages === undefined ? size : Math.max(1, Math.min(size, Math.ceil(all.length / forcedPages))));
  if (end >= all.length) return { items: all.slice(offset, end), nextLink: undefined, preferred };
  const next = request.style === '$skip' ? String(end) : Buffer.from(`offset:${end}`, 'utf8').toString('base64url');
  const parts = [...query.entries()]
    .filter(([key]) => key !== '$skip' && key !== '$skiptoken')
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
  parts.push(`${request.style}=${encodeURIComponent(next)}`);
  const nextLink = `${request.origin}${request.url.pathname}?${parts.join('&')}`;
  return { items: all.slice(offset, end), nextLink, preferred };
}
