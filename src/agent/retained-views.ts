import type { ServiceView } from '../health/evaluate.ts';

/**
 * The views a tenant's status keeps until its next poll: their open issues without posts. The posts are most of a
 * snapshot's text; the events of the poll carried them, and the gauges and the status page read none of them, so
 * ten thousand tenants need not keep them in memory.
 */
export function retainViews(views: readonly ServiceView[]): ServiceView[] {
  return views.map((view) =>
    view.openIssues.length === 0 ? view : { ...view, openIssues: view.openIssues.map((issue) => ({ ...issue, posts: [] })) },
  );
}
