import { M365Error } from '../errors.ts';
import type { ServiceMessage } from '../health/messages.ts';

/** One decoded page of `messages`. */
export interface MessagePage {
  messages: ServiceMessage[];
  nextLink: string | undefined;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Decodes one `serviceUpdateMessage`; entries without an id are skipped, missing values become empty. */
export function decodeMessage(raw: unknown): ServiceMessage | undefined {
  if (!isObject(raw) || typeof raw.id !== 'string' || raw.id === '') return undefined;
  const body = isObject(raw.body) ? raw.body : {};
  return {
    id: raw.id,
    title: text(raw.title) ?? '',
    category: text(raw.category) ?? '',
    severity: text(raw.severity) ?? '',
    services: strings(raw.services),
    tags: strings(raw.tags),
    isMajorChange: raw.isMajorChange === true,
    actionRequiredByDateTime: text(raw.actionRequiredByDateTime),
    startDateTime: text(raw.startDateTime),
    endDateTime: text(raw.endDateTime),
    lastModifiedDateTime: text(raw.lastModifiedDateTime),
    body: text(body.content) ?? '',
  };
}

/** Decodes a page of `messages`; a body that is not an OData collection is a `GRAPH_BAD_RESPONSE`. */
export function decodeMessagePage(body: unknown): MessagePage {
  if (!isObject(body) || !Array.isArray(body.value)) {
    throw new M365Error('GRAPH_BAD_RESPONSE', 'Graph answered without a "value" array');
  }
  const nextLink = body['@odata.nextLink'];
  if (nextLink !== undefined && typeof nextLink !== 'string') {
    throw new M365Error('GRAPH_BAD_RESPONSE', '"@odata.nextLink" is not a string');
  }
  return { messages: body.value.map(decodeMessage).filter((m) => m !== undefined), nextLink };
}
