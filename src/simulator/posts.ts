/** Builds the HTML of issue posts the way Microsoft writes them: labelled sections separated by blank lines. */

const LABELLED = /^\s*[A-Z][A-Za-z ]{2,30}:/;

/** The section a post's own text goes under when it does not start with a label of its own. */
export type StatusLabel = 'Current status:' | 'Final status:';

const DEFAULT_OPENING_STATUS = "We're investigating a potential issue and will provide an update shortly.";

/** The first post of an issue: title, user impact, then the current status. */
export function formatOpeningPost(title: string, impact: string, text: string | undefined): string {
  return formatPost(title, impact, text ?? DEFAULT_OPENING_STATUS, 'Current status:');
}

/** A post for an update (`Current status:`) or a resolution (`Final status:`), repeating title and impact. */
export function formatPost(title: string, impact: string, text: string, label: StatusLabel): string {
  if (/^\s*Title:/.test(text)) return toHtml(text);
  const body = LABELLED.test(text) ? text : `${label} ${text}`;
  return [`Title: ${title}`, `User Impact: ${impact}`, body].map(toHtml).join('<br><br>');
}

/** The default text of a resolution post. */
export const DEFAULT_FINAL_STATUS = "We've confirmed that the issue has been resolved.";

function toHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('\n', '<br>');
}
