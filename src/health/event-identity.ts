import type { Health, ServiceStatus } from './model.ts';

/**
 * The streams of history whose steps are numbered: a tenant's status changes, issue updates and message updates, and
 * the fleet's issue updates.
 */
export type EventStream = 's' | 'i' | 'm' | 'f';

/** Where a tenant's memory stands: the history it belongs to and how far each stream of it has gone. */
export interface HistoryPosition {
  /** When the memory began: the baseline poll (ms since epoch). A tenant that lost its memory starts another. */
  baselineAt: number;
  /** Steps of this history that changed a service's status or health. */
  statusSequence: number;
  /** Steps of this history that reported an issue update. */
  issueSequence: number;
  /** Reads of the message center in this history that reported a message update. */
  messageSequence: number;
}

/** The position of a memory that begins with the poll at `now`. */
export function beginHistory(now: number): HistoryPosition {
  return { baselineAt: now, statusSequence: 0, issueSequence: 0, messageSequence: 0 };
}

/**
 * What the ids of one step's events start with: the history and the number the step takes in its stream. Derived
 * from the memory the step starts from, so that the same step detected again (a crash after the events were
 * spooled, before the memory was saved) is numbered the same, and the next step of the stream never is.
 */
export function stepStamp(baselineAt: number, stream: EventStream, previousSequence: number): string {
  return `${baselineAt}/${stream}${previousSequence + 1}`;
}

/** A stream's sequence after a step: one more when the step reported anything, the same otherwise. */
export function advanceSequence(previousSequence: number, reported: number): number {
  return reported === 0 ? previousSequence : previousSequence + 1;
}

/** The id of a status change: the step, the service and the transition (status and health, before and after). */
export function statusChangeEventId(
  stamp: string,
  serviceId: string,
  from: { status: ServiceStatus; health: Health },
  to: { status: ServiceStatus; health: Health },
): string {
  return `${stamp}/${serviceId}:${from.status}>${to.status}:${from.health}>${to.health}`;
}

/** The id of an issue update: the step, the issue and the version it reports. */
export function issueUpdateEventId(
  stamp: string,
  issueId: string,
  version: { lastModified: string; classification: string; status: string; isResolved: boolean },
): string {
  const resolution = version.isResolved ? 'resolved' : 'open';
  return `${stamp}/${issueId}@${version.lastModified}:${version.classification}:${version.status}:${resolution}`;
}

/** The id of a message update: the step, the message and its `lastModifiedDateTime`. */
export function messageUpdateEventId(stamp: string, messageId: string, lastModified: string): string {
  return `${stamp}/${messageId}@${lastModified}`;
}
