/** A GUID in its usual text form, in any case: a tenant's id, an app's, an instance's. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A DNS domain name such as `contoso.onmicrosoft.com`, a tenant's other name: at least two labels, a top-level label
 * of letters.
 */
export const DOMAIN_NAME = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
