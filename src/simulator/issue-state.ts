import { DEFAULT_FINAL_STATUS, formatOpeningPost, formatPost } from './posts.ts';
import type { IssueFields, IssuePatch, ScenarioIssue, TimePoint } from './scenario-schema.ts';
import type { DerivedIssue, DerivedPost } from './state-types.ts';

/** Resolves a scenario time point against the simulator's start. */
export function resolveTimePoint(point: TimePoint, startMs: number): number {
  return point.kind === 'offset' ? startMs + point.ms : point.ms;
}

/** An issue present at start: its first post dated at its start, later ones at its end when it has one. */
export function seedIssue(issue: ScenarioIssue, startMs: number): DerivedIssue {
  const start = resolveTimePoint(issue.start, startMs);
  const end = issue.end === undefined ? null : resolveTimePoint(issue.end, startMs);
  const lastModifiedMs = Math.max(start, end ?? start);
  const posts = seedPosts(issue, start, end);
  return { ...fieldsOf(issue), isResolved: issue.isResolved, startMs: start, endMs: end, lastModifiedMs, posts };
}

function seedPosts(issue: ScenarioIssue, start: number, end: number | null): DerivedPost[] {
  const { title, impactDescription: impact } = issue;
  const [first, ...rest] = issue.posts;
  if (issue.isResolved && rest.length === 0) rest.push(DEFAULT_FINAL_STATUS);
  const posts: DerivedPost[] = [{ createdMs: start, content: formatOpeningPost(title, impact, first) }];
  rest.forEach((text, i) => {
    const last = i === rest.length - 1;
    const label = last && issue.isResolved ? 'Final status:' : 'Current status:';
    posts.push({ createdMs: last && end !== null ? end : start, content: formatPost(title, impact, text, label) });
  });
  return posts;
}

/** A newly opened issue. */
export function openIssueAt(fields: IssueFields, at: number): DerivedIssue {
  const post = { createdMs: at, content: formatOpeningPost(fields.title, fields.impactDescription, fields.post) };
  return { ...fieldsOf(fields), isResolved: false, startMs: at, endMs: null, lastModifiedMs: at, posts: [post] };
}

/** An issue after an update; a post is added only when the patch carries one. */
export function updateIssueAt(issue: DerivedIssue, patch: IssuePatch, at: number): DerivedIssue {
  const next = applyPatch(issue, patch, at);
  if (patch.post === undefined) return next;
  const content = formatPost(next.title, next.impactDescription, patch.post, 'Current status:');
  return { ...next, posts: [...next.posts, { createdMs: at, content }] };
}

/** An issue after its resolution: resolved, ended, status `serviceRestored` unless the patch says otherwise. */
export function resolveIssueAt(issue: DerivedIssue, patch: IssuePatch, at: number): DerivedIssue {
  const next = applyPatch(issue, { status: 'serviceRestored', ...patch }, at);
  const content = formatPost(next.title, next.impactDescription, patch.post ?? DEFAULT_FINAL_STATUS, 'Final status:');
  return { ...next, isResolved: true, endMs: at, posts: [...next.posts, { createdMs: at, content }] };
}

function applyPatch(issue: DerivedIssue, patch: IssuePatch, at: number): DerivedIssue {
  const { post: _post, ...fields } = patch;
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return { ...issue, ...defined, lastModifiedMs: Math.max(at, issue.lastModifiedMs) };
}

function fieldsOf(fields: Omit<IssueFields, 'post'>) {
  const { id, service, classification, status, origin, title, impactDescription, feature, featureGroup } = fields;
  return { id, service, classification, status, origin, title, impactDescription, feature, featureGroup };
}
