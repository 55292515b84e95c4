import type { FeatureView, ServiceView } from '../health/evaluate.ts';
import { Interner } from '../health/interner.ts';
import type { Issue, IssuePost } from '../health/model.ts';

/**
 * The copies of kept views that tenants share: the feature lists (most show every group healthy), the views without
 * open issues (most services of most tenants), and the texts of open issues (Microsoft's incidents are global, so the
 * tenants that see one keep one copy of each of its ids, statuses, dates and titles). Bounded, as each interner is.
 * Created once per agent and passed to {@link keepViews}: its tenants share their copies, two agents share nothing.
 */
export class SharedViews {
  readonly #features = new Interner<readonly FeatureView[]>();
  readonly #quietViews = new Interner<ServiceView>();
  readonly #texts = new Interner<string>(10_000);

  /** The view to keep: without posts, made of shared copies, frozen. */
  share(view: ServiceView): ServiceView {
    let key = view.id;
    for (const feature of view.features) key += `\u0000${feature.health}${feature.group}`;
    const features = this.#features.intern(key, () => view.features.map((feature) => Object.freeze({ ...feature })));
    if (view.openIssues.length > 0) {
      const openIssues = Object.freeze(view.openIssues.map((issue) => this.#withoutPosts(issue)));
      return Object.freeze({ ...view, features, openIssues });
    }
    const viewKey = `${view.name}\u0000${view.status}\u0000${view.rawStatus}\u0000${view.health}\u0000${key}`;
    return this.#quietViews.intern(viewKey, () => ({ ...view, features, openIssues: NO_ISSUES }));
  }

  #withoutPosts(issue: Issue): Issue {
    const kept: Issue = { ...issue, posts: NO_POSTS };
    for (const field of ISSUE_FIELDS) {
      const value = kept[field];
      if (typeof value === 'string')
        (kept as unknown as Record<string, string>)[field] = this.#texts.intern(value, () => value);
    }
    return Object.freeze(kept);
  }
}

const NO_ISSUES: readonly Issue[] = Object.freeze([]);
const NO_POSTS = Object.freeze([]) as unknown as IssuePost[];

/**
 * The views a tenant's observation keeps until its next poll: their open issues without posts, made of the frozen
 * copies of `shared`. The posts are most of a snapshot's text; the events of the poll carried them, and the gauges
 * and the status page read none of them, so ten thousand tenants need not keep them in memory.
 *
 * A view equal to the one kept before (`previous`, the view of the same service: Graph may list the services in
 * another order) is that same object, and so is the whole list when nothing changed: most polls change nothing, and
 * objects kept a minute are in V8's old generation, where replacing them at every poll of every tenant cost full
 * garbage collections of a large heap. Only memory depends on it: readers of observations take views for their values.
 */
export function keepViews(
  views: readonly ServiceView[],
  previous: readonly ServiceView[] | undefined,
  shared: SharedViews,
): readonly ServiceView[] {
  let changed = previous === undefined || previous.length !== views.length;
  let byId: Map<string, ServiceView> | undefined;
  const kept = views.map((view, index) => {
    let before = previous?.[index];
    if (before !== undefined && before.id !== view.id) {
      changed = true;
      byId ??= new Map(previous!.map((v) => [v.id, v]));
      before = byId.get(view.id);
    }
    if (before !== undefined && sameView(before, view)) return before;
    changed = true;
    return shared.share(view);
  });
  return changed ? kept : previous!;
}

/** Whether a kept view shows the same as a fresh one (posts aside). */
function sameView(kept: ServiceView, view: ServiceView): boolean {
  return (
    VIEW_FIELDS.every((field) => kept[field] === view[field]) &&
    sameList(kept.features, view.features, (a, b) => a.group === b.group && a.health === b.health) &&
    sameList(kept.openIssues, view.openIssues, (a, b) => ISSUE_FIELDS.every((field) => a[field] === b[field]))
  );
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((item, index) => same(item, b[index]));
}

/** Every field of a view but its lists: its type makes a field added to `ServiceView` and not here an error. */
const VIEW_COMPARED: Record<Exclude<keyof ServiceView, 'features' | 'openIssues'>, true> = {
  id: true,
  name: true,
  status: true,
  rawStatus: true,
  health: true,
};
const VIEW_FIELDS = Object.keys(VIEW_COMPARED) as (keyof typeof VIEW_COMPARED)[];

/** Every field of an issue but its posts: the record's type makes a field added to `Issue` and not here an error. */
const COMPARED: Record<Exclude<keyof Issue, 'posts'>, true> = {
  id: true,
  title: true,
  impactDescription: true,
  classification: true,
  status: true,
  rawStatus: true,
  service: true,
  feature: true,
  featureGroup: true,
  isResolved: true,
  startDateTime: true,
  endDateTime: true,
  lastModifiedDateTime: true,
};
const ISSUE_FIELDS = Object.keys(COMPARED) as (keyof typeof COMPARED)[];
