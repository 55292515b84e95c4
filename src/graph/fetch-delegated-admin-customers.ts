import {
  ANSWER_LIMITS,
  boundedText,
  decodeCollectionPage,
  entryWithId,
  type AnswerTally,
  type DecodedPage,
} from './answer-limits.ts';
import { readCollection, type FetchRequest, type GraphClientOptions } from './graph-client.ts';
import { GUID } from '../shared/identifiers.ts';

/** A customer of a partner tenant, by a granular delegated admin (GDAP) relationship. */
export interface DelegatedAdminCustomer {
  /** The customer's tenant id. */
  readonly tenantId: string;
  /** The customer tenant's display name in Entra ID; '' when Graph gives none. */
  readonly displayName: string;
}

/** Customers of one partner, every page together (the largest partners have tens of thousands). */
const MAX_CUSTOMERS = 50_000;

/** The largest page Graph serves of this collection ($top "supports up to 300 objects"). */
const PAGE_SIZE = 300;
/** Pages followed: enough for {@link MAX_CUSTOMERS} in pages of 100, should Graph serve fewer than asked. */
const MAX_PAGES = MAX_CUSTOMERS / 100;

/**
 * Lists the customers of the partner tenant that `options.tokens` signs in to: `GET
 * {graph}/v1.0/tenantRelationships/delegatedAdminCustomers?$select=id,tenantId,displayName&$top=300`, following
 * `@odata.nextLink` to the end (on the same host only, at most 500 pages). Needs the application permission
 * DelegatedAdminRelationship.Read.All in the partner tenant: a 403 comes back as `GRAPH_FORBIDDEN` naming it. Any
 * failure, on any page, fails the whole list: a partial list is never returned.
 */
export async function fetchDelegatedAdminCustomers(
  options: GraphClientOptions,
  request: FetchRequest,
): Promise<DelegatedAdminCustomer[]> {
  const query = `$select=id,tenantId,displayName&$top=${PAGE_SIZE}`;
  const read = await readCollection({ ...options, maxPages: options.maxPages ?? MAX_PAGES }, request, {
    url: `${options.graphUrl}/v1.0/tenantRelationships/delegatedAdminCustomers?${query}`,
    pages: 'delegated admin customers',
    decodePage,
    forbidden:
      'HTTP 403 on the delegated admin customers: grant the application permission ' +
      'DelegatedAdminRelationship.Read.All with admin consent in the partner tenant',
  });
  return read?.entries ?? [];
}

function decodePage(body: unknown, tally: AnswerTally): DecodedPage<DelegatedAdminCustomer> {
  return decodeCollectionPage(
    body,
    tally,
    { limit: MAX_CUSTOMERS, noun: 'delegated admin customers', what: 'a delegated admin customer' },
    (raw, index, pageTally) => {
      const entry = entryWithId(raw, index, pageTally);
      if (entry === undefined) return undefined;
      if (typeof entry.tenantId !== 'string' || !GUID.test(entry.tenantId)) {
        pageTally.addMalformed(`${pageTally.entryAt(index)} has no "tenantId" GUID`);
        return undefined;
      }
      pageTally.addId(entry.tenantId.toLowerCase(), 'customer tenant');
      const name = boundedText(entry.displayName, ANSWER_LIMITS.name, 'displayName', 'customer', entry.id);
      return { tenantId: entry.tenantId.toLowerCase(), displayName: name ?? '' };
    },
  );
}
