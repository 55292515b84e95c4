import { detectStatusChanges, rememberedServiceKey, type RememberedService, type StatusChange } from './changes.ts';
import {
  detectCredentialWarnings,
  type CredentialExpiring,
  type CredentialWarnings,
  type SigningCredential,
} from './credential-expiry.ts';
import type { ServiceView } from './evaluate.ts';
import { SharedRecords } from './interner.ts';
import { detectIssueUpdates, issueVersionKey, type IssueUpdate, type IssueVersion } from './issue-updates.ts';
import { detectMessageUpdates, type MessageUpdate, type MessageVersions, type ServiceMessage } from './messages.ts';
import type { Snapshot } from './model.ts';

/**
 * The streams of history whose steps are numbered: a tenant's status changes, issue updates and message updates, and
 * the fleet's issue updates.
 */
type EventStream = 's' | 'i' | 'm' | 'f';

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

/**
 * What is remembered of a tenant between polls (and across restarts): enough to detect changes, and to number
 * them (the {@link HistoryPosition} the ids of its events are derived from), nothing more.
 */
export interface TenantMemory extends HistoryPosition {
  /** When the remembered poll ended (ms since epoch). */
  polledAt: number;
  services: Readonly<Record<string, RememberedService>>;
  issues: Readonly<Record<string, IssueVersion>>;
  /** Message-center versions; absent until the message center was first read. */
  messages?: MessageVersions;
  /** The credential-expiry warnings given; absent while none is. */
  credentials?: CredentialWarnings;
}

/**
 * The copies that the memories of tenants share: thousands of tenants remember the same services in the same state
 * and the same versions of Microsoft's global issues, and keep one frozen copy of each between them (and so the
 * same objects from poll to poll, which the caches keyed on them rely on). Bounded, as each interner is. Created
 * once per agent and passed to {@link advanceMemory}; nothing is shared beyond its owner.
 */
export class MemoryInterners {
  readonly services = new SharedRecords(rememberedServiceKey);
  readonly issues = new SharedRecords(issueVersionKey);
}

/**
 * One step of a tenant's history: compares a fresh poll with the memory and returns the new memory and what changed,
 * made of the copies of `shared`.
 */
export function advanceMemory(
  previous: TenantMemory | undefined,
  snapshot: Snapshot,
  views: readonly ServiceView[],
  shared: MemoryInterners,
): { memory: TenantMemory; changes: StatusChange[]; updates: IssueUpdate[] } {
  const now = snapshot.fetchedAt;
  const position = previous ?? { baselineAt: now, statusSequence: 0, issueSequence: 0, messageSequence: 0 };
  const statusStamp = stepStamp(position.baselineAt, 's', position.statusSequence);
  const issueStamp = stepStamp(position.baselineAt, 'i', position.issueSequence);
  const status = detectStatusChanges(previous?.services, views, now, statusStamp, shared.services);
  const issues = detectIssueUpdates(previous?.issues, previous?.polledAt, snapshot, now, issueStamp, shared.issues);
  return {
    memory: {
      baselineAt: position.baselineAt,
      statusSequence: advanceSequence(position.statusSequence, status.changes.length),
      issueSequence: advanceSequence(position.issueSequence, issues.updates.length),
      messageSequence: position.messageSequence,
      polledAt: now,
      services: status.services,
      issues: issues.versions,
      ...(previous?.messages === undefined ? {} : { messages: previous.messages }),
      ...(previous?.credentials === undefined ? {} : { credentials: previous.credentials }),
    },
    changes: status.changes,
    updates: issues.updates,
  };
}

/** Compares a fresh read of the message center with the memory: the new memory and the messages to report. */
export function advanceMessages(
  memory: TenantMemory,
  messages: readonly ServiceMessage[],
  now: number,
): { memory: TenantMemory; updates: MessageUpdate[] } {
  const stamp = stepStamp(memory.baselineAt, 'm', memory.messageSequence);
  const detected = detectMessageUpdates(memory.messages, messages, now, stamp);
  const messageSequence = advanceSequence(memory.messageSequence, detected.updates.length);
  return { memory: { ...memory, messageSequence, messages: detected.versions }, updates: detected.updates };
}

/**
 * Compares the credentials the tenant signs in with (undefined: not known now) with the warnings already given: the
 * new memory (the same object when nothing changed) and the warnings to give.
 */
export function advanceCredentials(
  memory: TenantMemory,
  credentials: readonly SigningCredential[] | undefined,
  leadTimesMs: readonly number[],
  now: number,
): { memory: TenantMemory; expiring: CredentialExpiring[] } {
  const context = { leadTimesMs, now, baselineAt: memory.baselineAt };
  const { warnings, expiring } = detectCredentialWarnings(memory.credentials, credentials, context);
  if (warnings === memory.credentials) return { memory, expiring };
  const { credentials: _dropped, ...rest } = memory;
  return { memory: warnings === undefined ? rest : { ...rest, credentials: warnings }, expiring };
}
