import { M365Error } from '../errors.ts';
import type { ServiceMessage } from '../health/messages.ts';
import { AnswerTally } from './answer-limits.ts';
import { decodeMessagePage } from './decode-messages.ts';
import { checkNextLink, getJson, type FetchRequest, type GraphClientOptions } from './graph-client.ts';

/** Path of the message-center collection, below `{graph}/v1.0`. */
export const MESSAGES_PATH = '/admin/serviceAnnouncement/messages';

const DEFAULT_MAX_PAGES = 100;

/**
 * Reads the message center: `GET {graph}/v1.0/admin/serviceAnnouncement/messages`, following `@odata.nextLink`
 * to the end (on the same host only), what it holds bounded by `ANSWER_LIMITS`. Needs the application permission
 * ServiceMessage.Read.All: a 403 comes back as `GRAPH_FORBIDDEN` naming that permission.
 */
export async function fetchServiceMessages(
  options: GraphClientOptions,
  request: FetchRequest,
): Promise<ServiceMessage[]> {
  const origin = new URL(options.graphUrl).origin;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const messages: ServiceMessage[] = [];
  const seen = new Set<string>();
  const tally = new AnswerTally();
  let url: string | undefined = `${options.graphUrl}/v1.0${MESSAGES_PATH}`;
  for (let page = 0; url !== undefined; page++) {
    if (page >= maxPages)
      throw new M365Error(
        'GRAPH_TOO_MANY_PAGES',
        `more than ${maxPages} pages of messages: stopped following @odata.nextLink`,
      );
    seen.add(url);
    const decoded = decodeMessagePage(await getMessagesPage(options, url, request), tally);
    messages.push(...decoded.messages);
    url = decoded.nextLink === undefined ? undefined : checkNextLink(decoded.nextLink, origin, seen);
  }
  return messages;
}

async function getMessagesPage(options: GraphClientOptions, url: string, request: FetchRequest): Promise<unknown> {
  try {
    return await getJson(options, url, request);
  } catch (error) {
    if (!(error instanceof M365Error) || error.code !== 'GRAPH_FORBIDDEN') throw error;
    const message = `HTTP 403 on the message center: grant the application permission ServiceMessage.Read.All with admin consent`;
    throw new M365Error('GRAPH_FORBIDDEN', message, { status: error.status, cause: error });
  }
}
