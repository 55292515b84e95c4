import type { Issue, IssuePost, Service } from '../health/model.ts';
import { parseClassification, parseServiceStatus } from '../health/status.ts';
import {
  ANSWER_LIMITS as LIMITS,
  AnswerTally,
  answerTooLarge,
  boundedText,
  decodeCollectionPage,
  entryWithId,
  isObject,
  textTooLong,
  tooMany,
  withoutId,
  type DecodedPage,
} from './answer-limits.ts';

/**
 * Decodes a page of `healthOverviews`, counting its services and issues in `tally` (one per answer, across its
 * pages) against {@link LIMITS}. Unknown properties are ignored, optional ones of another type read as missing, and
 * unknown enum values become `other`. A body that is not an OData collection, an id listed twice, or an entry that
 * is not a service, an issue or a post is a `GRAPH_BAD_RESPONSE`; an answer past a bound is a
 * `GRAPH_ANSWER_TOO_LARGE`.
 *
 * A malformed entry fails the whole answer rather than being left out: a service left out would vanish from the
 * gauges and come back as new, its interruption never announced, while a failed poll keeps the last good answer,
 * is counted in `m365.poll.errors` and ages `m365.data.age`, which alerts see. Graph's own answers always carry
 * these fields, so one that does not was damaged on the way or is not Graph's. Every such entry of the page is
 * counted and the first one named.
 */
export function decodeServicePage(body: unknown, tally = new AnswerTally()): DecodedPage<Service> {
  const bound = { limit: LIMITS.services, noun: 'services', what: 'a service, an issue or a post' };
  return decodeCollectionPage(body, tally, bound, decodeService);
}

/** Decodes one `serviceHealth` (entry `index` of the page); undefined, noted in `tally`, when it is not one. */
function decodeService(entry: unknown, index: number, tally: AnswerTally): Service | undefined {
  const raw = entryWithId(entry, index, tally);
  if (raw === undefined) return undefined;
  const id = raw.id;
  const rawStatus = boundedText(raw.status, LIMITS.name, 'status', 'service', id);
  if (rawStatus === undefined || rawStatus === '') {
    tally.addMalformed(`${tally.entryAt(index)} (service ${JSON.stringify(id)}) has no "status"`);
    return undefined;
  }
  tally.addId(id, 'service');
  const name = boundedText(raw.service, LIMITS.name, 'name', 'service', id) ?? id;
  const issues = decodeIssues(raw.issues, id, name, tally);
  return { id, name, status: parseServiceStatus(rawStatus), rawStatus, issues };
}

function decodeIssues(raw: unknown, serviceId: string, serviceName: string, tally: AnswerTally): Issue[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    tally.addMalformed(`the "issues" of service ${JSON.stringify(serviceId)} is not an array`);
    return [];
  }
  tally.countIssues(raw.length, serviceId);
  const issues: Issue[] = [];
  for (let index = 0; index < raw.length; index++) {
    const issue = decodeIssue(raw[index], serviceId, serviceName, tally);
    if (issue !== undefined) issues.push(issue);
    else tally.addMalformed(`issues[${index}] of service ${JSON.stringify(serviceId)} ${withoutId(raw[index])}`);
  }
  checkFeatureGroups(issues, serviceId);
  return issues;
}

/** Decodes one `serviceHealthIssue`; undefined when it has no id. */
function decodeIssue(raw: unknown, serviceId: string, serviceName: string, tally: AnswerTally): Issue | undefined {
  if (!isObject(raw) || typeof raw.id !== 'string' || raw.id === '') return undefined;
  const id = raw.id;
  if (id.length > LIMITS.name) {
    throw textTooLong(`an issue id of service ${JSON.stringify(serviceId)}`, id.length, LIMITS.name);
  }
  tally.addIssueId(id, serviceId);
  const rawStatus = boundedText(raw.status, LIMITS.name, 'status', 'issue', id) ?? '';
  return {
    id,
    title: boundedText(raw.title, LIMITS.title, 'title', 'issue', id) ?? '',
    impactDescription: boundedText(raw.impactDescription, LIMITS.description, 'impactDescription', 'issue', id) ?? '',
    classification: parseClassification(boundedText(raw.classification, LIMITS.name, 'classification', 'issue', id)),
    status: parseServiceStatus(rawStatus),
    rawStatus,
    service: boundedText(raw.service, LIMITS.name, 'service', 'issue', id) ?? serviceName,
    feature: boundedText(raw.feature, LIMITS.name, 'feature', 'issue', id) || undefined,
    featureGroup: boundedText(raw.featureGroup, LIMITS.name, 'featureGroup', 'issue', id) || undefined,
    isResolved: raw.isResolved === true,
    startDateTime: boundedText(raw.startDateTime, LIMITS.name, 'startDateTime', 'issue', id),
    endDateTime: boundedText(raw.endDateTime, LIMITS.name, 'endDateTime', 'issue', id),
    lastModifiedDateTime: boundedText(raw.lastModifiedDateTime, LIMITS.name, 'lastModifiedDateTime', 'issue', id),
    posts: decodePosts(raw.posts, id, tally),
  };
}

function decodePosts(raw: unknown, issueId: string, tally: AnswerTally): IssuePost[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    tally.addMalformed(`the "posts" of issue ${JSON.stringify(issueId)} is not an array`);
    return [];
  }
  if (raw.length > LIMITS.postsPerIssue) {
    throw tooMany(`issue ${JSON.stringify(issueId)}`, raw.length, 'posts', LIMITS.postsPerIssue);
  }
  const posts: IssuePost[] = [];
  for (let index = 0; index < raw.length; index++) {
    const post: unknown = raw[index];
    if (!isObject(post)) {
      tally.addMalformed(`posts[${index}] of issue ${JSON.stringify(issueId)} is not an object`);
      continue;
    }
    const description = isObject(post.description) ? post.description : {};
    posts.push({
      createdDateTime: boundedText(post.createdDateTime, LIMITS.name, 'post createdDateTime', 'issue', issueId),
      postType: boundedText(post.postType, LIMITS.name, 'post postType', 'issue', issueId),
      content: boundedText(description.content, LIMITS.content, 'post content', 'issue', issueId) ?? '',
    });
  }
  return posts;
}

/** Refuses a service whose issues name more feature groups than the bound (each becomes a series). */
function checkFeatureGroups(issues: readonly Issue[], serviceId: string): void {
  // Fewer issues than the bound cannot name more groups: nothing to count, and nothing allocated, for nearly all.
  if (issues.length <= LIMITS.featureGroupsPerService) return;
  const groups = new Set<string>();
  for (const issue of issues) if (issue.featureGroup !== undefined) groups.add(issue.featureGroup.toLowerCase());
  if (groups.size > LIMITS.featureGroupsPerService) {
    throw answerTooLarge(
      `the issues of service ${JSON.stringify(serviceId)} name ${groups.size.toLocaleString('en-US')} feature groups`,
      LIMITS.featureGroupsPerService,
    );
  }
}
