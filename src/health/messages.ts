/** A message-center post (`serviceUpdateMessage`), decoded. */
export interface ServiceMessage {
  /** `MC…`. */
  id: string;
  title: string;
  /** preventOrFixIssue, planForChange, stayInformed (as Graph spells it). */
  category: string;
  /** normal, high, critical (as Graph spells it). */
  severity: string;
  /** Display names of the services concerned. */
  services: string[];
  tags: string[];
  isMajorChange: boolean;
  actionRequiredByDateTime: string | undefined;
  startDateTime: string | undefined;
  endDateTime: string | undefined;
  lastModifiedDateTime: string | undefined;
  /** The body as sent (HTML for Graph). */
  body: string;
}

/** A message appeared, or changed (a new `lastModifiedDateTime`), since the last read. */
export interface MessageUpdate {
  kind: 'message_update';
  update: 'published' | 'updated';
  message: ServiceMessage;
  /** `<stamp>/<message>@<lastModified>`: unique per update of the tenant's history, the same when detected again. */
  eventId: string;
  at: number;
}

/** What is remembered of the message center: each message's `lastModifiedDateTime`, by id. */
export type MessageVersions = Readonly<Record<string, string>>;

/**
 * Reports each message exactly once per id + `lastModifiedDateTime`. Without a memory (the first read ever)
 * nothing is reported: the message center's backlog is the baseline, not news. Messages no longer listed are
 * forgotten, so one listed again is reported again, under an id of its own: `stamp` (`stepStamp`) numbers
 * the read, and each update's id is the stamp, the message and its version.
 */
export function detectMessageUpdates(
  previous: MessageVersions | undefined,
  messages: readonly ServiceMessage[],
  now: number,
  stamp: string,
): { versions: Record<string, string>; updates: MessageUpdate[] } {
  const versions: Record<string, string> = {};
  const updates: MessageUpdate[] = [];
  for (const message of messages) {
    if (Object.hasOwn(versions, message.id)) continue;
    const version = message.lastModifiedDateTime ?? '';
    versions[message.id] = version;
    if (previous === undefined) continue;
    const before = Object.hasOwn(previous, message.id) ? previous[message.id] : undefined;
    if (before === version) continue;
    updates.push({
      kind: 'message_update',
      update: before === undefined ? 'published' : 'updated',
      message,
      eventId: `${stamp}/${message.id}@${version}`,
      at: now,
    });
  }
  return { versions, updates };
}
