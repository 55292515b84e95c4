/**
 * JSON shapes of Microsoft Graph's service communications API (v1.0), as they travel on the wire.
 * Shared by the Graph client (which decodes them defensively) and the simulator (which produces them).
 */

export interface WireIssue {
  id: string;
  title?: string;
  impactDescription?: string;
  classification?: string;
  origin?: string;
  status?: string;
  service?: string;
  feature?: string | null;
  featureGroup?: string | null;
  isResolved?: boolean;
  highImpact?: boolean | null;
  startDateTime?: string;
  endDateTime?: string | null;
  lastModifiedDateTime?: string;
  details?: Array<{ name?: string; value?: string }>;
  posts?: Array<{
    createdDateTime?: string;
    postType?: string;
    description?: { contentType?: string; content?: string };
  }>;
}

export interface WireServiceHealth {
  id: string;
  service: string;
  status: string;
  issues?: WireIssue[];
}

export interface WireCollection<T> {
  '@odata.context'?: string;
  '@odata.nextLink'?: string;
  value: T[];
}

export interface WireGraphError {
  error: { code: string; message: string; innerError?: Record<string, string> };
}

/** Token endpoint answer of the Microsoft identity platform (client credentials). */
export interface WireTokenResponse {
  token_type: 'Bearer';
  expires_in: number;
  ext_expires_in?: number;
  access_token: string;
}

/** Error answer of the Microsoft identity platform. */
export interface WireTokenError {
  error: string;
  error_description: string;
  error_codes?: number[];
  timestamp?: string;
  trace_id?: string;
  correlation_id?: string;
  error_uri?: string;
}

/** Path of the health overviews collection, below `{graph}/v1.0`. */
export const HEALTH_OVERVIEWS_PATH = '/admin/serviceAnnouncement/healthOverviews';
