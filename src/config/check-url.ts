/** An endpoint URL checked and normalized (no trailing slash), or why it is refused. */
export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** Whether a URL host (as `URL.hostname` gives it) is this machine: `localhost`, 127.0.0.0/8 or `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || LOOPBACK_V4.test(hostname);
}

/**
 * Checks a base URL (exporter endpoint, login or Graph host): it must parse, be `https://`, or `http://` to a
 * loopback host only, and carry no credentials, query or fragment. Trailing slashes are removed. Credentials
 * written in the URL are never repeated in a message.
 */
export function checkEndpointUrl(text: string): UrlCheck {
  const shown = JSON.stringify(hideUserInfo(text));
  const url = URL.parse(text);
  if (url === null) return { ok: false, message: `${shown} is not a valid URL` };
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: `${shown} must start with https:// (or http:// for a loopback host)` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, message: `${shown} must not contain a user name or password; send credentials in headers` };
  }
  if (url.search !== '' || url.hash !== '') {
    return { ok: false, message: `${shown} must not contain a query or a fragment` };
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return {
      ok: false,
      message:
        `${shown} uses plain http:// to a remote host; ` +
        'use https://, or http:// only for localhost, 127.0.0.0/8 or ::1',
    };
  }
  return { ok: true, url: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}

function hideUserInfo(text: string): string {
  const shortened = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return shortened.replace(/^([^:/?#]*:\/\/)[^/?#]*@/, '$1***@');
}
