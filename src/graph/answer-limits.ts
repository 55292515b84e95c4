import { M365Error } from '../errors.ts';

/**
 * Bounds on what one tenant's answer may hold, checked while it is decoded. Each is far above what Microsoft 365
 * sends (figures of real answers beside each), and low enough that no answer under the body cap can make an
 * unbounded number of series, events or bytes of export: one page of 50,000 services or one name of 5 MB is
 * refused instead of becoming gigabytes of OTLP.
 */
export const ANSWER_LIMITS = Object.freeze({
  /** Services of one tenant, every page together (Microsoft 365 lists 30–40). */
  services: 500,
  /** Issues of one service (Graph keeps weeks of history: tens, a busy service a few hundred). */
  issuesPerService: 1_000,
  /** Issues of one answer, every service together. */
  issues: 5_000,
  /** Posts of one issue (an incident posts every hour or two: tens). */
  postsPerIssue: 1_000,
  /** Feature groups named by the issues of one service, ignoring case (the legacy catalogue has 10 at most). */
  featureGroupsPerService: 100,
  /** Messages of one read of the message center (a few hundred). */
  messages: 10_000,
  /** Services or tags named by one message (a handful). */
  namesPerMessage: 500,
  /** App registrations of one tenant, every page together (hundreds in a large tenant). */
  applications: 50_000,
  /** Secrets or certificates of one app registration (a few). */
  credentialsPerApplication: 1_000,
  /** Ids, names, statuses, dates, features and feature groups (`EX226574`, `Exchange Online`: tens of characters). */
  name: 256,
  /** Titles of issues and messages (about a hundred characters). */
  title: 1_024,
  /** An issue's impact description (a sentence or two). */
  description: 4_096,
  /** The HTML of a post or of a message's body (a few KB). */
  content: 100_000,
});

/** The error of an answer past one of {@link ANSWER_LIMITS}: `what` says which, `limit` the bound. */
export function answerTooLarge(what: string, limit: number): M365Error {
  return new M365Error(
    'GRAPH_ANSWER_TOO_LARGE',
    `${what}, past the bound of ${limit.toLocaleString('en-US')}: the answer is refused`,
  );
}

/** The error of a text of `length` characters past `limit`: `what` names it (`the title of issue "EX1"`). */
export function textTooLong(what: string, length: number, limit: number): M365Error {
  return answerTooLarge(`${what} is ${length.toLocaleString('en-US')} characters long`, limit);
}

/** The error of `count` entries past `limit`: `owner` has them, `noun` says what they are, in the plural. */
export function tooMany(owner: string, count: number, noun: string, limit: number): M365Error {
  return answerTooLarge(`${owner} has ${count.toLocaleString('en-US')} ${noun}`, limit);
}

/**
 * The text of `value` when it is a string, undefined otherwise; a string longer than `limit` is an error naming
 * the `field` of the `kind` entry `id` (all three only read then, so that checking costs nothing per entry).
 */
export function boundedText(
  value: unknown,
  limit: number,
  field: string,
  kind: string,
  id: string,
): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.length > limit) throw textTooLong(`the ${field} of ${kind} ${JSON.stringify(id)}`, value.length, limit);
  return value;
}

/**
 * What one answer held so far, across its pages: the ids seen (an id twice is an error of the answer, not "the
 * last one wins", which hid an interruption), the counts against {@link ANSWER_LIMITS}, and the entries that were
 * not what Graph documents. One per answer, passed to the decoder of each of its pages.
 */
export class AnswerTally {
  #pages = 0;
  #entries = 0;
  #issues = 0;
  readonly #ids = new Set<string>();
  readonly #issueIds = new Set<string>();
  #malformed = 0;
  #firstMalformed = '';

  /** Counts `count` more entries of `value`, refused past `limit` (`noun`: what they are, in the plural). */
  countEntries(count: number, limit: number, noun: string): void {
    this.#pages += 1;
    this.#entries += count;
    if (this.#entries > limit) {
      throw answerTooLarge(
        `${this.#entries.toLocaleString('en-US')} ${noun} in one answer (${this.#pages === 1 ? 'one page' : `${this.#pages} pages`})`,
        limit,
      );
    }
  }

  /** Where entry `index` of the `value` of the page being decoded is, for a message: `value[3]`, `value[3] of page 2`. */
  entryAt(index: number): string {
    return this.#pages > 1 ? `value[${index}] of page ${this.#pages}` : `value[${index}]`;
  }

  /** Counts the `count` issues of service `serviceId`, refused past the bounds per service and per answer. */
  countIssues(count: number, serviceId: string): void {
    const { issuesPerService, issues } = ANSWER_LIMITS;
    if (count > issuesPerService)
      throw tooMany(`service ${JSON.stringify(serviceId)}`, count, 'issues', issuesPerService);
    this.#issues += count;
    if (this.#issues > issues)
      throw answerTooLarge(`more than ${issues.toLocaleString('en-US')} issues in one answer`, issues);
  }

  /** Notes the id of a service or message (`kind`); one seen before is a `GRAPH_BAD_RESPONSE`. */
  addId(id: string, kind: string): void {
    // One hash operation, not two (has, then add): this runs for every service and issue of every changed answer.
    const size = this.#ids.size;
    if (this.#ids.add(id).size === size) {
      throw new M365Error(
        'GRAPH_BAD_RESPONSE',
        `${kind} id ${JSON.stringify(id)} appears twice in one answer: the answer is refused`,
      );
    }
  }

  /** Notes the id of an issue listed by service `serviceId`; one seen before is a `GRAPH_BAD_RESPONSE`. */
  addIssueId(id: string, serviceId: string): void {
    const size = this.#issueIds.size;
    if (this.#issueIds.add(id).size === size) {
      const message = `issue id ${JSON.stringify(id)} appears twice in one answer (the second time under service ${JSON.stringify(serviceId)}): the answer is refused`;
      throw new M365Error('GRAPH_BAD_RESPONSE', message);
    }
  }

  /** Notes an entry that is not what Graph documents: `where` it is and why (`value[3] has no "status"`). */
  addMalformed(where: string): void {
    if (this.#malformed++ === 0) this.#firstMalformed = where;
  }

  /** Throws a `GRAPH_BAD_RESPONSE` counting the malformed entries noted, if any (`noun`: what they should have been). */
  refuseMalformed(noun: string): void {
    if (this.#malformed === 0) return;
    const count = this.#malformed === 1 ? 'an entry' : `${this.#malformed.toLocaleString('en-US')} entries`;
    throw new M365Error(
      'GRAPH_BAD_RESPONSE',
      `${count} of the answer ${this.#malformed === 1 ? 'is' : 'are'} not ${noun} (first: ${this.#firstMalformed}): the answer is refused`,
    );
  }
}

/** A page of an OData collection: its decoded entries and the link to the next page, if any. */
export interface DecodedPage<T> {
  entries: T[];
  nextLink: string | undefined;
}

/** A JSON object as decoded, its properties not yet checked. */
export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why an entry that should have been an object with an `id` is not one. */
export function withoutId(raw: unknown): string {
  return isObject(raw) ? 'has no "id"' : 'is not an object';
}

/**
 * Entry `index` of the page being decoded as an object with an id of at most {@link ANSWER_LIMITS}`.name`
 * characters; undefined, noted in `tally` as malformed, when it is not one.
 */
export function entryWithId(raw: unknown, index: number, tally: AnswerTally): (Json & { id: string }) | undefined {
  if (!isObject(raw) || typeof raw.id !== 'string' || raw.id === '') {
    tally.addMalformed(`${tally.entryAt(index)} ${withoutId(raw)}`);
    return undefined;
  }
  if (raw.id.length > ANSWER_LIMITS.name) {
    throw textTooLong(`the id of ${tally.entryAt(index)}`, raw.id.length, ANSWER_LIMITS.name);
  }
  return raw as Json & { id: string };
}

/**
 * Decodes a page of an OData collection: its `value` entries counted in `tally` against `limit` (named `noun`),
 * each decoded by `decodeEntry` (undefined for an entry it noted as malformed), then every malformed entry refused
 * at once, described as `what`.
 *
 * @throws M365Error `GRAPH_BAD_RESPONSE` for a body that is not a collection or a malformed entry,
 *   `GRAPH_ANSWER_TOO_LARGE` past the limit.
 */
export function decodeCollectionPage<T>(
  body: unknown,
  tally: AnswerTally,
  bound: { limit: number; noun: string; what: string },
  decodeEntry: (entry: unknown, index: number, tally: AnswerTally) => T | undefined,
): DecodedPage<T> {
  if (!isObject(body) || !Array.isArray(body.value)) {
    throw new M365Error('GRAPH_BAD_RESPONSE', 'Graph answered without a "value" array');
  }
  const nextLink = body['@odata.nextLink'];
  if (nextLink !== undefined && typeof nextLink !== 'string') {
    throw new M365Error('GRAPH_BAD_RESPONSE', '"@odata.nextLink" is not a string');
  }
  const value: unknown[] = body.value;
  tally.countEntries(value.length, bound.limit, bound.noun);
  const entries: T[] = [];
  for (let index = 0; index < value.length; index++) {
    const entry = decodeEntry(value[index], index, tally);
    if (entry !== undefined) entries.push(entry);
  }
  tally.refuseMalformed(bound.what);
  return { entries, nextLink };
}
