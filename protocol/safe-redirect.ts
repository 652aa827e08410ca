// Where the sign-in page may send the browser afterwards (?next=): a path of this site only.
// Checked the way the browser will read it: the URL parser drops tabs and newlines and reads
// "\" as "/", so "/\t/evil.com" and "/\evil.com" are "//evil.com", another site. The value is
// resolved against a placeholder origin and kept only if it stays there; what is returned is
// the parsed path, query and fragment (the same URL the browser would go to), else "/".
const PLACEHOLDER = "http://same-origin.invalid";

export function sameOriginPath(next: string | null | undefined): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.length > 2048) return "/";
  // control characters and backslashes have no business in a path we wrote ourselves
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return "/";
  let url: URL;
  try {
    url = new URL(next, PLACEHOLDER);
  } catch {
    return "/";
  }
  if (url.origin !== PLACEHOLDER) return "/";
  const out = `${url.pathname}${url.search}${url.hash}`;
  // "//x" as a path would be protocol-relative when used as a link
  return out.startsWith("//") ? "/" : out;
}
