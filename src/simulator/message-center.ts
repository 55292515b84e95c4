import { findCatalogueService } from './catalogue.ts';
import { resolveTimePoint } from './issue-state.ts';
import type { ScenarioMessage, ScenarioTenant } from './scenario-types.ts';
import { isoDate, type WireStyle } from './wire-format.ts';

/** A `serviceUpdateMessage` as `messages` returns it (app-only access: no `viewPoint`). */
export interface WireServiceMessage {
  id: string;
  title: string;
  category: string;
  severity: string;
  services: string[];
  tags: string[];
  isMajorChange: boolean;
  actionRequiredByDateTime: string | null;
  startDateTime: string;
  endDateTime: string | null;
  lastModifiedDateTime: string;
  hasAttachments: boolean;
  viewPoint: null;
  details: Array<{ name: string; value: string }>;
  body: { contentType: string; content: string };
}

/** The tenant's message center at `nowMs`: messages already published, in scenario order. */
export function listServiceMessages(
  tenant: ScenarioTenant,
  startMs: number,
  nowMs: number,
  style: WireStyle,
): WireServiceMessage[] {
  return tenant.messages
    .filter((message) => resolveTimePoint(message.start, startMs) <= nowMs)
    .map((message) => toWireMessage(message, startMs, nowMs, style));
}

function toWireMessage(message: ScenarioMessage, startMs: number, nowMs: number, style: WireStyle): WireServiceMessage {
  const start = resolveTimePoint(message.start, startMs);
  const modified = message.modified === undefined ? start : resolveTimePoint(message.modified, startMs);
  const optionalDate = (point: ScenarioMessage['end']) =>
    point === undefined ? null : isoDate(resolveTimePoint(point, startMs));
  return {
    startDateTime: isoDate(start),
    endDateTime: optionalDate(message.end),
    lastModifiedDateTime: isoDate(modified <= nowMs ? Math.max(start, modified) : start),
    title: message.title,
    id: message.id,
    category: spell(message.category, style),
    severity: spell(message.severity, style),
    tags: [...message.tags],
    isMajorChange: message.isMajorChange,
    actionRequiredByDateTime: optionalDate(message.actionRequiredBy),
    services: message.services.map((id) => findCatalogueService(id)?.name ?? id),
    hasAttachments: false,
    viewPoint: null,
    details: [],
    body: { contentType: spell('html', style), content: message.body },
  };
}

function spell(value: string, style: WireStyle): string {
  return style.pascalCase ? value.charAt(0).toUpperCase() + value.slice(1) : value;
}
