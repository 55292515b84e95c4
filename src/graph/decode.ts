import { M365Error } from '../errors.ts';
import type { Issue, IssuePost, Service } from '../health/model.ts';
import { parseClassification, parseServiceStatus } from '../health/status.ts';

/** One decoded page of `healthOverviews?$expand=issues`. */
export interface ServicePage {
  services: Service[];
  nextLink: string | undefined;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function decodePost(raw: unknown): IssuePost | undefined {
  if (!isObject(raw)) return undefined;
  const description = isObject(raw.description) ? raw.description : {};
  return { createdDateTime: text(raw.createdDateTime), postType: text(raw.postType), content: text(description.content) ?? '' };
}

/** Decodes one `serviceHealthIssue`; entries without an id are not issues and are skipped. */
export function decodeIssue(raw: unknown, serviceName: string): Issue | undefined {
  if (!isObject(raw) || typeof raw.id !== 'string' || raw.id === '') return undefined;
  const rawStatus = text(raw.status) ?? '';
  const posts = Array.isArray(raw.posts) ? raw.posts.map(decodePost).filter((p) => p !== undefined) : [];
  return {
    id: raw.id,
    title: text(raw.title) ?? '',
    impactDescription: text(raw.impactDescription) ?? '',
    classification: parseClassification(raw.classification),
    status: parseServiceStatus(rawStatus),
    rawStatus,
    service: text(raw.service) ?? serviceName,
    feature: text(raw.feature) || undefined,
    featureGroup: text(raw.featureGroup) || undefined,
    isResolved: raw.isResolved === true,
    startDateTime: text(raw.startDateTime),
    endDateTime: text(raw.endDateTime) ?? undefined,
    lastModifiedDateTime: text(raw.lastModifiedDateTime),
    posts,
  };
}

/** Decodes one `serviceHealth`; entries without an id are skipped, unknown enum values become `other`. */
export function decodeService(raw: unknown): Service | undefined {
  if (!isObject(raw) || typeof raw.id !== 'string' || raw.id === '') return undefined;
  const id = raw.id;
  const name = text(raw.service) ?? id;
  const rawStatus = text(raw.status) ?? '';
  const issues = Array.isArray(raw.issues) ? raw.issues.map((i) => decodeIssue(i, name)).filter((i) => i !== undefined) : [];
  return { id, name, status: parseServiceStatus(rawStatus), rawStatus, issues };
}

/**
 * Decodes a page of `healthOverviews`. Unknown properties are ignored; a body that is not an OData collection
 * is a `GRAPH_BAD_RESPONSE`.
 */
export function decodeServicePage(body: unknown): ServicePage {
  if (!isObject(body) || !Array.isArray(body.value)) {
    throw new M365Error('GRAPH_BAD_RESPONSE', 'Graph answered without a "value" array');
  }
  const nextLink = body['@odata.nextLink'];
  if (nextLink !== undefined && typeof nextLink !== 'string') {
    throw new M365Error('GRAPH_BAD_RESPONSE', '"@odata.nextLink" is not a string');
  }
  return { services: body.value.map(decodeService).filter((s) => s !== undefined), nextLink };
}
