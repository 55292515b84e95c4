const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN_NAME = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const METRIC_NAME = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;

/** A GUID such as `00000000-0000-0000-0000-000000000000` (any case). */
export function isGuid(text: string): boolean {
  return GUID.test(text);
}

/** A DNS domain name such as `contoso.onmicrosoft.com`: at least two labels, a top-level label of letters. */
export function isDomainName(text: string): boolean {
  return DOMAIN_NAME.test(text);
}

/**
 * A tenant label: 1 to 64 letters, digits, `.`, `_` or `-`, starting with a letter or digit, so it is safe as a
 * metric attribute and as a file name for the tenant's state.
 */
export function isTenantName(text: string): boolean {
  return TENANT_NAME.test(text);
}

/** A metric name as the catalogue writes them: lowercase, dot-separated, e.g. `m365.service.status`. */
export function isMetricName(text: string): boolean {
  return METRIC_NAME.test(text);
}
