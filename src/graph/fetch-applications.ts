import { M365Error } from '../errors.ts';
import {
  ANSWER_LIMITS as LIMITS,
  boundedText,
  decodeCollectionPage,
  entryWithId,
  withoutId,
  tooMany,
  type AnswerTally,
} from './answer-limits.ts';
import { readCollection, type FetchRequest, type GraphClientOptions } from './graph-client.ts';

/** A secret (`passwordCredentials`) or certificate (`keyCredentials`) of an app registration, as Graph lists it. */
export interface AppCredential {
  readonly keyId: string;
  /** `endDateTime` as Graph wrote it; undefined when absent or not a string. */
  readonly endDateTime: string | undefined;
  /** `displayName`, the credential's description; undefined when Graph gives none. */
  readonly displayName?: string | undefined;
  /** `hint` of a secret: its first three characters; undefined when Graph gives none (a certificate has none). */
  readonly hint?: string | undefined;
}

/** An app registration of the tenant, with its credentials. */
export interface Application {
  readonly id: string;
  readonly displayName: string;
  readonly passwordCredentials: readonly AppCredential[];
  readonly keyCredentials: readonly AppCredential[];
}

const APPLICATIONS = { limit: LIMITS.applications, noun: 'applications', what: 'an application' };

/**
 * Lists every app registration of the tenant: `GET {graph}/v1.0/applications`, following `@odata.nextLink` to the
 * end (on the same host only), bounded by `ANSWER_LIMITS`. Needs the application permission Application.Read.All: a
 * 403 comes back as `GRAPH_FORBIDDEN` naming that permission.
 */
export async function fetchApplications(options: GraphClientOptions, request: FetchRequest): Promise<Application[]> {
  const read = await readCollection(options, request, {
    url: `${options.graphUrl}/v1.0/applications`,
    pages: 'applications',
    decodePage: (body, tally) => decodeCollectionPage(body, tally, APPLICATIONS, decodeApplication),
    forbidden: 'HTTP 403 on the applications: grant the application permission Application.Read.All with admin consent',
  });
  return read?.entries ?? [];
}

/** What of an application is read when it is read by its appId: its name and its credentials. */
const SELECT = 'id,displayName,passwordCredentials,keyCredentials';

/**
 * Reads one app registration by its application (client) id, in the tenant where it is registered (its home
 * tenant: in any other the app has only a service principal, and the answer is a 404):
 * `GET {graph}/v1.0/applications(appId='{appId}')?$select=id,displayName,passwordCredentials,keyCredentials`. Needs
 * Application.Read.All, as {@link fetchApplications} does: a 403 comes back as `GRAPH_FORBIDDEN` naming it.
 */
export async function fetchApplication(
  options: GraphClientOptions,
  request: FetchRequest,
  appId: string,
): Promise<Application> {
  const url = `${options.graphUrl}/v1.0/applications(appId='${encodeURIComponent(appId)}')?$select=${SELECT}`;
  try {
    const read = await readCollection(options, request, {
      url,
      pages: 'the application',
      decodePage: (body, tally) => ({ entries: [decodeOne(body, tally)], nextLink: undefined }),
      forbidden: `HTTP 403 on the application ${appId}: grant the application permission Application.Read.All with admin consent in the tenant where the app is registered`,
    });
    return read!.entries[0];
  } catch (error) {
    if (error instanceof M365Error && error.status === 404) {
      const message = `no app registration with appId ${appId} in this tenant: read it in the tenant where the app is registered (credential_expiry.home_tenant)`;
      throw new M365Error(error.code, message, { status: error.status, cause: error });
    }
    throw error;
  }
}

/** The answer of a read by appId: the application itself, not a collection. */
function decodeOne(body: unknown, tally: AnswerTally): Application {
  const application = decodeApplication(body, 0, tally);
  if (application === undefined) {
    throw new M365Error('GRAPH_BAD_RESPONSE', `the application answered ${withoutId(body)}: the answer is refused`);
  }
  return application;
}

function decodeApplication(raw: unknown, index: number, tally: AnswerTally): Application | undefined {
  const entry = entryWithId(raw, index, tally);
  if (entry === undefined) return undefined;
  const name = boundedText(entry.displayName, LIMITS.name, 'displayName', 'application', entry.id) ?? '';
  return {
    id: entry.id,
    displayName: name,
    passwordCredentials: credentials(entry.passwordCredentials, 'passwordCredentials', entry.id),
    keyCredentials: credentials(entry.keyCredentials, 'keyCredentials', entry.id),
  };
}

/** The credentials of one list; entries that are not objects are left out, as the plugin finds nothing in them. */
function credentials(value: unknown, field: string, appId: string): AppCredential[] {
  if (!Array.isArray(value)) return [];
  if (value.length > LIMITS.credentialsPerApplication) {
    throw tooMany(`application ${JSON.stringify(appId)}`, value.length, field, LIMITS.credentialsPerApplication);
  }
  return value.flatMap((raw: unknown) => {
    if (typeof raw !== 'object' || raw === null) return [];
    const { keyId, endDateTime, displayName, hint } = raw as Record<string, unknown>;
    const text = (value: unknown, name: string) =>
      boundedText(value, LIMITS.name, `${name} of a ${field} entry`, 'application', appId);
    return [
      {
        keyId: text(keyId, 'keyId') ?? '',
        endDateTime: text(endDateTime, 'endDateTime'),
        displayName: text(displayName, 'displayName'),
        hint: text(hint, 'hint'),
      },
    ];
  });
}
