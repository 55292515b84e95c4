import type { IssueFields, IssuePatch } from './scenario-schema.ts';

/** Something that happens to a tenant at an instant (ms since epoch). */
export type SimEvent =
  | { readonly type: 'open'; readonly at: number; readonly issue: IssueFields }
  | { readonly type: 'update' | 'resolve'; readonly at: number; readonly id: string; readonly patch: IssuePatch }
  | { readonly type: 'override'; readonly at: number; readonly service: string; readonly status: string | null };

/** A change made through the programmatic API, for one tenant. */
export type ManualEvent = SimEvent & { readonly tenant: string };

export interface DerivedPost {
  readonly createdMs: number;
  readonly content: string;
}

/** An issue as the tenant reports it at one instant. */
export interface DerivedIssue {
  readonly id: string;
  readonly service: string;
  readonly classification: string;
  readonly status: string;
  readonly origin: string;
  readonly title: string;
  readonly impactDescription: string;
  readonly feature: string | null;
  readonly featureGroup: string | null;
  readonly isResolved: boolean;
  readonly startMs: number;
  readonly endMs: number | null;
  readonly lastModifiedMs: number;
  readonly posts: readonly DerivedPost[];
}

export interface DerivedService {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly issues: readonly DerivedIssue[];
}

/** Everything a tenant's Graph endpoints show at one instant. */
export interface TenantState {
  readonly services: readonly DerivedService[];
  /** All issues, in the order they appeared. */
  readonly issues: readonly DerivedIssue[];
}
