import { M365Error } from '../errors.ts';
import {
  ANSWER_LIMITS as LIMITS,
  boundedText,
  decodeCollectionPage,
  entryWithId,
  tooMany,
  type AnswerTally,
  type DecodedPage,
} from './answer-limits.ts';
import { readCollection, type FetchRequest, type GraphClientOptions } from './graph-client.ts';

/** A secret (`passwordCredentials`) or certificate (`keyCredentials`) of an app registration, as Graph lists it. */
export interface AppCredential {
  readonly keyId: string;
  /** `endDateTime` as Graph wrote it; undefined when absent or not a string. */
  readonly endDateTime: string | undefined;
}

/** An app registration of the tenant, with its credentials. */
export interface Application {
  readonly id: string;
  readonly displayName: string;
  readonly passwordCredentials: readonly AppCredential[];
  readonly keyCredentials: readonly AppCredential[];
}

/**
 * Lists every app registration of the tenant: `GET {graph}/v1.0/applications`, following `@odata.nextLink` to the
 * end (on the same host only), bounded by `ANSWER_LIMITS`. Needs the application permission Application.Read.All: a
 * 403 comes back as `GRAPH_FORBIDDEN` naming that permission.
 */
export async function fetchApplications(options: GraphClientOptions, request: FetchRequest): Promise<Application[]> {
  const url = `${options.graphUrl}/v1.0/applications`;
  try {
    const read = await readCollection(options, request, { url, pages: 'applications', decodePage: decodePage });
    return read?.entries ?? [];
  } catch (error) {
    if (!(error instanceof M365Error) || error.code !== 'GRAPH_FORBIDDEN') throw error;
    const message =
      'HTTP 403 on the applications: grant the application permission Application.Read.All with admin consent';
    throw new M365Error('GRAPH_FORBIDDEN', message, { status: error.status, cause: error });
  }
}

function decodePage(body: unknown, tally: AnswerTally): DecodedPage<Application> {
  return decodeCollectionPage(
    body,
    tally,
    { limit: LIMITS.applications, noun: 'applications', what: 'an application' },
    (raw, index, pageTally) => {
      const entry = entryWithId(raw, index, pageTally);
      if (entry === undefined) return undefined;
      const name = boundedText(entry.displayName, LIMITS.name, 'displayName', 'application', entry.id) ?? '';
      return {
        id: entry.id,
        displayName: name,
        passwordCredentials: credentials(entry.passwordCredentials, 'passwordCredentials', entry.id),
        keyCredentials: credentials(entry.keyCredentials, 'keyCredentials', entry.id),
      };
    },
  );
}

/** The credentials of one list; entries that are not objects are left out, as the plugin finds nothing in them. */
function credentials(value: unknown, field: string, appId: string): AppCredential[] {
  if (!Array.isArray(value)) return [];
  if (value.length > LIMITS.credentialsPerApplication) {
    throw tooMany(`application ${JSON.stringify(appId)}`, value.length, field, LIMITS.credentialsPerApplication);
  }
  return value.flatMap((raw: unknown) => {
    if (typeof raw !== 'object' || raw === null) return [];
    const { keyId, endDateTime } = raw as Record<string, unknown>;
    return [
      {
        keyId: boundedText(keyId, LIMITS.name, `keyId of a ${field} entry`, 'application', appId) ?? '',
        endDateTime: boundedText(endDateTime, LIMITS.name, `endDateTime of a ${field} entry`, 'application', appId),
      },
    ];
  });
}
