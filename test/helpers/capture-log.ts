import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log, LogFields, LogLevel } from '../../src/log.ts';

/** A log line kept by {@link createCaptureLog}. */
export interface CapturedLine {
  level: LogLevel;
  message: string;
  fields: LogFields;
}

/** A {@link Log} that keeps every line for assertions. */
export function createCaptureLog(): Log & { lines: CapturedLine[]; messages(level?: LogLevel): string[] } {
  const lines: CapturedLine[] = [];
  const at =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      lines.push({ level, message, fields });
    };
  return {
    lines,
    messages: (level) => lines.filter((l) => level === undefined || l.level === level).map((l) => l.message),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}

/** A fresh temporary directory and its removal. */
export function createTempDir(prefix = 'm365-state-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
