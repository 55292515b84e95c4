import type { ServiceView } from '../health/evaluate.ts';
import type { FeatureView } from '../health/feature-health.ts';
import type { Issue } from '../health/model.ts';

/**
 * The views a tenant's status keeps until its next poll: their open issues without posts. The posts are most of a
 * snapshot's text; the events of the poll carried them, and the gauges and the status page read none of them, so
 * ten thousand tenants need not keep them in memory.
 *
 * A view equal to the one kept before (`previous`) is that same object, and so is the whole list when nothing
 * changed: most polls change nothing, and objects kept a minute are in V8's old generation, where replacing them
 * at every poll of every tenant cost full garbage collections of a large heap.
 */
export function retainViews(views: readonly ServiceView[], previous?: readonly ServiceView[]): readonly ServiceView[] {
  let changed = previous === undefined || previous.length !== views.length;
  const kept = views.map((view, index) => {
    const before = previous?.[index];
    if (before !== undefined && sameView(before, view)) return before;
    changed = true;
    return view.openIssues.length === 0 ? view : { ...view, openIssues: view.openIssues.map(withoutPosts) };
  });
  return changed ? kept : previous!;
}

function withoutPosts(issue: Issue): Issue {
  return { ...issue, posts: [] };
}

/** Whether a kept view shows the same as a fresh one (posts aside). */
function sameView(kept: ServiceView, view: ServiceView): boolean {
  return (
    kept.id === view.id &&
    kept.name === view.name &&
    kept.status === view.status &&
    kept.rawStatus === view.rawStatus &&
    kept.health === view.health &&
    sameList(kept.features, view.features, sameFeature) &&
    sameList(kept.openIssues, view.openIssues, sameIssue)
  );
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!same(a[i]!, b[i]!)) return false;
  return true;
}

function sameFeature(a: FeatureView, b: FeatureView): boolean {
  return a.group === b.group && a.health === b.health;
}

/** Every field of an issue but its posts: the record's type makes a field added to `Issue` and not here an error. */
const COMPARED: Record<Exclude<keyof Issue, 'posts'>, true> = {
  id: true, title: true, impactDescription: true, classification: true, status: true, rawStatus: true, service: true,
  feature: true, featureGroup: true, isResolved: true, startDateTime: true, endDateTime: true, lastModifiedDateTime: true,
};
const ISSUE_FIELDS = Object.keys(COMPARED) as (keyof typeof COMPARED)[];

function sameIssue(a: Issue, b: Issue): boolean {
  for (const field of ISSUE_FIELDS) if (a[field] !== b[field]) return false;
  return true;
}
