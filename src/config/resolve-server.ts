import { CONFIG_DEFAULTS } from './defaults.ts';
import { reportProblem, type ProblemSink } from './problems.ts';
import { sectionOf } from './values.ts';
import type { ServerConfig } from './types.ts';

/** Parses `host:port` (`[::1]:13133` for IPv6 literals); undefined when malformed. */
export function parseListen(text: string): ServerConfig | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

/**
 * The `server` section: absent turns the HTTP endpoint off; present (even empty) turns it on, on
 * `listen` (default in {@link CONFIG_DEFAULTS}: loopback only, expose it deliberately).
 */
export function resolveServer(raw: unknown, present: boolean, sink: ProblemSink): ServerConfig | undefined {
  if (!present) return undefined;
  const listen = sectionOf(raw)['listen'];
  const text = typeof listen === 'string' ? listen : CONFIG_DEFAULTS.server.listen;
  const parsed = parseListen(text);
  if (!parsed)
    reportProblem(sink, ['server', 'listen'], `"${text}" is not host:port, like 127.0.0.1:13133 or [::]:13133`);
  return parsed;
}
