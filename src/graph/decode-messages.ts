import type { ServiceMessage } from '../health/messages.ts';
import {
  ANSWER_LIMITS as LIMITS,
  AnswerTally,
  answerTooLarge,
  boundedText,
  decodeCollectionPage,
} from './answer-limits.ts';

/** One decoded page of `messages`. */
export interface MessagePage {
  messages: ServiceMessage[];
  nextLink: string | undefined;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The strings of a list of names (`services`, `tags`), each bounded; other items are left out. */
function names(value: unknown, field: string, id: string): string[] {
  if (!Array.isArray(value)) return [];
  if (value.length > LIMITS.namesPerMessage) {
    throw answerTooLarge(
      `message ${JSON.stringify(id)} has ${value.length.toLocaleString('en-US')} ${field}`,
      LIMITS.namesPerMessage,
    );
  }
  const kept: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string') continue;
    if (item.length > LIMITS.name)
      throw answerTooLarge(
        `one of the ${field} of message ${JSON.stringify(id)} is ${item.length.toLocaleString('en-US')} characters long`,
        LIMITS.name,
      );
    kept.push(item);
  }
  return kept;
}

/** A bounded string that is not empty, or undefined. */
function text(value: unknown, limit: number, field: string, id: string): string | undefined {
  return boundedText(value, limit, field, 'message', id) || undefined;
}

/** Decodes one `serviceUpdateMessage`; undefined when it has no id; missing values become empty. */
function decodeMessage(raw: unknown, index: number, tally: AnswerTally): ServiceMessage | undefined {
  if (!isObject(raw) || typeof raw.id !== 'string' || raw.id === '') {
    tally.addMalformed(`${tally.entryAt(index)} ${isObject(raw) ? 'has no "id"' : 'is not an object'}`);
    return undefined;
  }
  const id = raw.id;
  if (id.length > LIMITS.name)
    throw answerTooLarge(
      `the id of ${tally.entryAt(index)} is ${id.length.toLocaleString('en-US')} characters long`,
      LIMITS.name,
    );
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

/**
 * Decodes a page of `messages`, counting its messages in `tally` (one per read, across its pages) against
 * {@link LIMITS}. A body that is not an OData collection, a message id listed twice, or an entry that is not a
 * message is a `GRAPH_BAD_RESPONSE` (the read fails, as for the health answer: a message left out would be
 * announced as new when it came back); a read past a bound is a `GRAPH_ANSWER_TOO_LARGE`.
 */
export function decodeMessagePage(body: unknown, tally = new AnswerTally()): MessagePage {
  const bound = { limit: LIMITS.messages, noun: 'messages', what: 'a message' };
  const { entries, nextLink } = decodeCollectionPage(body, tally, bound, decodeMessage);
  return { messages: entries, nextLink };
}
