import type { IssueFields, IssuePatch, ScenarioIssue, TimePoint } from './scenario-schema.ts';

export interface DerivedPost {
  readonly createdMs: number;
  readonly content: string;
}

/** An issue as the tenant reports it at one instant; derived issues are never changed, only replaced. */
export interface DerivedIssue extends Omit<IssueFields, 'post'> {
  readonly isResolved: boolean;
  readonly startMs: number;
  readonly endMs: number | null;
  readonly lastModifiedMs: number;
  readonly posts: readonly DerivedPost[];
}

const OPENING_STATUS = "We're investigating a potential issue and will provide an update shortly.";
const FINAL_STATUS = "We've confirmed that the issue has been resolved.";

/** Resolves a scenario time point against the simulator's start. */
export function resolveTimePoint(point: TimePoint, startMs: number): number {
  return point.kind === 'offset' ? startMs + point.ms : point.ms;
}

/** An issue present at start: its first post dated at its start, later ones at its end when it has one. */
export function seedIssue(issue: ScenarioIssue, startMs: number): DerivedIssue {
  const start = resolveTimePoint(issue.start, startMs);
  const end = issue.end === undefined ? null : resolveTimePoint(issue.end, startMs);
  const { title, impactDescription: impact, isResolved } = issue;
  const [first, ...rest] = issue.posts;
  if (isResolved && rest.length === 0) rest.push(FINAL_STATUS);
  const posts: DerivedPost[] = [{ createdMs: start, content: formatPost(title, impact, first ?? OPENING_STATUS) }];
  rest.forEach((text, i) => {
    const last = i === rest.length - 1;
    const content = formatPost(title, impact, text, last && isResolved ? 'Final status:' : 'Current status:');
    posts.push({ createdMs: last && end !== null ? end : start, content });
  });
  const lastModifiedMs = Math.max(start, end ?? start);
  return { ...fieldsOf(issue), isResolved, startMs: start, endMs: end, lastModifiedMs, posts };
}

export function openIssueAt(fields: IssueFields, at: number): DerivedIssue {
  const content = formatPost(fields.title, fields.impactDescription, fields.post ?? OPENING_STATUS);
  const dates = { startMs: at, endMs: null, lastModifiedMs: at };
  return { ...fieldsOf(fields), isResolved: false, ...dates, posts: [{ createdMs: at, content }] };
}

/** An issue after an update; a post is added only when the patch carries one. */
export function updateIssueAt(issue: DerivedIssue, patch: IssuePatch, at: number): DerivedIssue {
  const next = applyPatch(issue, patch, at);
  if (patch.post === undefined) return next;
  const content = formatPost(next.title, next.impactDescription, patch.post);
  return { ...next, posts: [...next.posts, { createdMs: at, content }] };
}

/** An issue after its resolution: resolved, ended, status `serviceRestored` unless the patch says otherwise. */
export function resolveIssueAt(issue: DerivedIssue, patch: IssuePatch, at: number): DerivedIssue {
  const next = applyPatch(issue, { status: 'serviceRestored', ...patch }, at);
  const content = formatPost(next.title, next.impactDescription, patch.post ?? FINAL_STATUS, 'Final status:');
  return { ...next, isResolved: true, endMs: at, posts: [...next.posts, { createdMs: at, content }] };
}

function applyPatch(issue: DerivedIssue, patch: IssuePatch, at: number): DerivedIssue {
  const { post: _post, ...fields } = patch;
  return { ...issue, ...definedFields(fields), lastModifiedMs: Math.max(at, issue.lastModifiedMs) };
}

/** The fields of `value` that are not undefined: what a patch or an API call actually says. */
export function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function fieldsOf(fields: Omit<IssueFields, 'post'>): Omit<IssueFields, 'post'> {
  const { id, service, classification, status, origin, title, impactDescription, feature, featureGroup } = fields;
  return { id, service, classification, status, origin, title, impactDescription, feature, featureGroup };
}

/**
 * A post's HTML the way Microsoft writes them: `Title:`, `User Impact:`, then the text under `label` (`Current
 * status:`, or `Final status:` on resolution) unless it starts with a label of its own, sections separated by blank
 * lines. A text that starts with `Title:` is taken as the whole post.
 */
function formatPost(title: string, impact: string, text: string, label = 'Current status:'): string {
  if (/^\s*Title:/.test(text)) return toHtml(text);
  const body = /^\s*[A-Z][A-Za-z ]{2,30}:/.test(text) ? text : `${label} ${text}`;
  return [`Title: ${title}`, `User Impact: ${impact}`, body].map(toHtml).join('<br><br>');
}

function toHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('\n', '<br>');
}
