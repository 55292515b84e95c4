const USER_INFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/gi;

/** Text with the user name and password of any URL in it replaced by `***` (`http://***@proxy:3128`). */
export function hideUrlCredentials(text: string): string {
  return text.replace(USER_INFO, '$1***@');
}
