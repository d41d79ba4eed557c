// `return_to` is where a login sends the browser afterwards. Only a same-origin relative path is
// accepted: anything else is an open redirect (OWASP Unvalidated Redirects). Browsers treat
// `//host`, `/\host` and paths with tabs or newlines (which they strip) as another origin.
const PLACEHOLDER = "http://return-to.invalid";

export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return undefined;
  if (!value.startsWith("/") || value.startsWith("//")) return undefined;
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return undefined;
  let u: URL;
  try {
    u = new URL(value, PLACEHOLDER);
  } catch {
    return undefined;
  }
  if (u.origin !== PLACEHOLDER || u.pathname.startsWith("//")) return undefined;
  return u.pathname + u.search + u.hash;
}
