import type { ServiceMessage } from '../health/messages.ts';
import {
  ANSWER_LIMITS as LIMITS,
  AnswerTally,
  boundedText,
  decodeCollectionPage,
  entryWithId,
  isObject,
  textTooLong,
  tooMany,
} from './answer-limits.ts';
import { readCollection, type FetchRequest, type GraphClientOptions } from './graph-client.ts';

/** Path of the message-center collection, below `{graph}/v1.0`. */
const MESSAGES_PATH = '/admin/serviceAnnouncement/messages';
const MESSAGES = { limit: LIMITS.messages, noun: 'messages', what: 'a message' };

/**
 * Reads the message center: `GET {graph}/v1.0/admin/serviceAnnouncement/messages`, following `@odata.nextLink`
 * to the end (on the same host only), what it holds bounded by `ANSWER_LIMITS`. Needs the application permission
 * ServiceMessage.Read.All: a 403 comes back as `GRAPH_FORBIDDEN` naming that permission.
 */
export async function fetchServiceMessages(
  options: GraphClientOptions,
  request: FetchRequest,
): Promise<ServiceMessage[]> {
  const read = await readCollection(options, request, {
    url: `${options.graphUrl}/v1.0${MESSAGES_PATH}`,
    pages: 'messages',
    decodePage: (body, tally) => decodeCollectionPage(body, tally, MESSAGES, decodeMessage),
    forbidden:
      'HTTP 403 on the message center: grant the application permission ServiceMessage.Read.All with admin consent',
  });
  return read?.entries ?? [];
}

/** The strings of a list of names (`services`, `tags`), each bounded; other items are left out. */
function names(value: unknown, field: string, id: string): string[] {
  if (!Array.isArray(value)) return [];
  if (value.length > LIMITS.namesPerMessage) {
    throw tooMany(`message ${JSON.stringify(id)}`, value.length, field, LIMITS.namesPerMessage);
  }
  const kept: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string') continue;
    if (item.length > LIMITS.name) {
      throw textTooLong(`one of the ${field} of message ${JSON.stringify(id)}`, item.length, LIMITS.name);
    }
    kept.push(item);
  }
  return kept;
}

/** A bounded string that is not empty, or undefined. */
function text(value: unknown, limit: number, field: string, id: string): string | undefined {
  return boundedText(value, limit, field, 'message', id) || undefined;
}

/**
 * Decodes one `serviceUpdateMessage`; missing values become empty. A message id listed twice, or an entry that is
 * not a message, fails the read, as for the health answer: a message left out would be announced as new when it
 * came back.
 */
function decodeMessage(entry: unknown, index: number, tally: AnswerTally): ServiceMessage | undefined {
  const raw = entryWithId(entry, index, tally);
  if (raw === undefined) return undefined;
  const id = raw.id;
  tally.addId(id, 'message');
  const body = isObject(raw.body) ? raw.body : {};
  return {
    id,
    title: text(raw.title, LIMITS.title, 'title', id) ?? '',
    category: text(raw.category, LIMITS.name, 'category', id) ?? '',
    severity: text(raw.severity, LIMITS.name, 'severity', id) ?? '',
    services: names(raw.services, 'services', id),
    tags: names(raw.tags, 'tags', id),
    isMajorChange: raw.isMajorChange === true,
    actionRequiredByDateTime: text(raw.actionRequiredByDateTime, LIMITS.name, 'actionRequiredByDateTime', id),
    startDateTime: text(raw.startDateTime, LIMITS.name, 'startDateTime', id),
    endDateTime: text(raw.endDateTime, LIMITS.name, 'endDateTime', id),
    lastModifiedDateTime: text(raw.lastModifiedDateTime, LIMITS.name, 'lastModifiedDateTime', id),
    body: text(body.content, LIMITS.content, 'body', id) ?? '',
  };
}
