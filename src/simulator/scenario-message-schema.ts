import { findCatalogueService, suggestCatalogueService } from './catalogue.ts';
import { readTimePoint } from './scenario-issue-schema.ts';
import { join, type ScenarioReader } from './scenario-reader.ts';
import type { ScenarioMessage } from './scenario-types.ts';

const MESSAGE_KEYS = [
  'id',
  'title',
  'category',
  'severity',
  'services',
  'tags',
  'major_change',
  'action_required_by',
  'start',
  'end',
  'modified',
  'body',
];
const MESSAGE_ID = /^[A-Za-z0-9-]{1,64}$/;

/** Message categories and severities of Graph's `serviceUpdateMessage`. */
export const MESSAGE_CATEGORIES = ['preventOrFixIssue', 'planForChange', 'stayInformed'] as const;
export const MESSAGE_SEVERITIES = ['normal', 'high', 'critical'] as const;

/** Reads a tenant's `messages[i]`: defaults stayInformed, normal, published at the start, the title as body. */
export function readMessage(r: ScenarioReader, value: unknown, path: string): ScenarioMessage | undefined {
  const raw = r.mapping(value, path, MESSAGE_KEYS, ['id', 'title']);
  if (!raw) return undefined;
  const title = r.string(raw['title'], join(path, 'title')) ?? '';
  return {
    id: readMessageId(r, raw['id'], join(path, 'id')) ?? '',
    title,
    category: r.oneOf(raw['category'], join(path, 'category'), MESSAGE_CATEGORIES) ?? 'stayInformed',
    severity: r.oneOf(raw['severity'], join(path, 'severity'), MESSAGE_SEVERITIES) ?? 'normal',
    services: readStrings(r, raw['services'], join(path, 'services')).filter((id, i) =>
      checkService(r, id, join(join(path, 'services'), i)),
    ),
    tags: readStrings(r, raw['tags'], join(path, 'tags')),
    isMajorChange: r.boolean(raw['major_change'], join(path, 'major_change'), false),
    actionRequiredBy: readTimePoint(r, raw['action_required_by'], join(path, 'action_required_by')),
    start: readTimePoint(r, raw['start'], join(path, 'start')) ?? { kind: 'offset', ms: 0 },
    end: readTimePoint(r, raw['end'], join(path, 'end')),
    modified: readTimePoint(r, raw['modified'], join(path, 'modified')),
    body: r.string(raw['body'], join(path, 'body')) ?? title,
  };
}

function readMessageId(r: ScenarioReader, value: unknown, path: string): string | undefined {
  const id = r.string(value, path);
  if (id === undefined || MESSAGE_ID.test(id)) return id;
  return r.fail(path, `invalid message id '${id}' (letters, digits and '-' only)`);
}

function readStrings(r: ScenarioReader, value: unknown, path: string): string[] {
  return (r.list(value, path) ?? []).flatMap((item, i) => r.string(item, join(path, i)) ?? []);
}

function checkService(r: ScenarioReader, id: string, path: string): boolean {
  if (findCatalogueService(id)) return true;
  const near = suggestCatalogueService(id);
  r.fail(path, `unknown service id '${id}'${near ? ` (did you mean '${near.id}'?)` : ''}`);
  return false;
}
