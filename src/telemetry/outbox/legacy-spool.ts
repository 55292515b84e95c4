import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Log } from '../../log.ts';
import type { Outbox } from './outbox.ts';

/** The outbox's key for the events of an old spool: no tenant's state file holds them, the spool does. */
const LEGACY_KEY = '(event spool of an earlier version)';

const SEGMENT = /^(\d{12})\.jsonl$/;

/**
 * Reads, once at start, the events that an earlier version left undelivered in its spool (`{state.dir}/spool`:
 * numbered JSON-lines segments read from `cursor.json` on) into the outbox, and removes the directory once they
 * are all delivered (or dropped). Until then the spool stays the durable copy: a crash before that sends them again.
 * Lines that are not events of that format are counted as corrupt.
 */
export async function importLegacySpool(stateDir: string, outbox: Outbox, log: Log): Promise<void> {
  const dir = join(stateDir, 'spool');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      log.warn('old event spool unreadable; left as it is', { dir, reason: (error as Error).message });
    return;
  }
  const events: unknown[] = [];
  try {
    const cursor = await readCursor(dir);
    for (const name of names.sort()) {
      const segment = Number(SEGMENT.exec(name)?.[1] ?? -1);
      if (segment < cursor.segment) continue;
      const bytes = await readFile(join(dir, name));
      const text = bytes.subarray(segment === cursor.segment ? cursor.offset : 0).toString('utf8');
      for (const line of text.split('\n')) if (line !== '') events.push(fromSpoolLine(line, events.length + 1));
    }
  } catch (error) {
    log.warn('old event spool unreadable; left as it is', { dir, reason: (error as Error).message });
    return;
  }
  const removeWhenDrained = async () => {
    if (outbox.pendingOf(LEGACY_KEY).length > 0) return;
    await rm(dir, { recursive: true, force: true }).then(
      () => log.info('old event spool drained and removed', { dir }),
      (error: Error) => log.warn('cannot remove the drained old event spool', { dir, reason: error.message }),
    );
  };
  outbox.onSettled((tenants) => void (tenants.has(LEGACY_KEY) && removeWhenDrained()));
  if (events.length > 0) log.info('delivering the events left in the old event spool', { dir, events: events.length });
  outbox.admit(LEGACY_KEY, events);
  await removeWhenDrained();
}

async function readCursor(dir: string): Promise<{ segment: number; offset: number }> {
  try {
    const raw = JSON.parse(await readFile(join(dir, 'cursor.json'), 'utf8')) as Record<string, unknown>;
    if (Number.isSafeInteger(raw.segment) && Number.isSafeInteger(raw.offset))
      return { segment: raw.segment as number, offset: raw.offset as number };
  } catch {
    // absent or unreadable: everything on disk is sent
  }
  return { segment: 0, offset: 0 };
}

/** A spooled line (format 1) as an outbox event numbered `n`; anything else is returned as it is, to be refused. */
function fromSpoolLine(line: string, n: number): unknown {
  try {
    const raw = JSON.parse(line) as Record<string, unknown>;
    if (raw?.v !== 1) return line;
    const { time, observed, event, severity, severityText, body, attributes } = raw;
    return { n, time, observed, event, severity, severityText, body, attributes };
  } catch {
    return line;
  }
}
