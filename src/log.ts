/** Log levels, most verbose first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** A small structured logger: one line per record, `key=value` text or JSON. */
export interface Log {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface LogOptions {
  level: LogLevel;
  format: 'text' | 'json';
  write: (line: string) => void;
  clock: () => number;
}

function quote(value: string | number | boolean): string {
  const text = String(value);
  return /^[\w.:/@-]+$/.test(text) ? text : JSON.stringify(text);
}

function formatLine(options: LogOptions, level: LogLevel, message: string, fields: LogFields): string {
  const time = new Date(options.clock()).toISOString();
  const defined = Object.entries(fields).filter(
    (entry): entry is [string, string | number | boolean] => entry[1] !== undefined,
  );
  if (options.format === 'json') return JSON.stringify({ time, level, msg: message, ...Object.fromEntries(defined) });
  const rest = defined.map(([key, value]) => ` ${key}=${quote(value)}`).join('');
  return `${time} ${level.toUpperCase().padEnd(5)} ${message}${rest}`;
}

/** Creates a {@link Log} that drops records below `level`. */
export function createLog(options: LogOptions): Log {
  const threshold = LOG_LEVELS.indexOf(options.level);
  const at =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      if (LOG_LEVELS.indexOf(level) >= threshold) options.write(formatLine(options, level, message, fields));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A log that drops everything. */
export const SILENT_LOG: Log = { debug() {}, info() {}, warn() {}, error() {} };
