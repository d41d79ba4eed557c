// Shared by the admin user-sessions suites (page and API; not a test file itself): a fresh user
// signed in on two browsers, one of which also went through the OIDC code flow and holds a grant.
import type { Browser } from "../../helpers/browser.ts";
import { login } from "../../helpers/browser.ts";
import { codeFlow, type OidcTestApp } from "../../helpers/oidc.ts";
import { CHROME_WINDOWS, FIREFOX_LINUX, newUser } from "../auth/support.ts";

export const signedIn = async (b: Browser) => (await b.get("/")).status === 200;

/** phone: Chrome on Windows, with the app's tokens; laptop: Firefox on Linux, signed in last */
export async function userWithAppAndTwoBrowsers(app: OidcTestApp, username: string) {
  const signIn = (userAgent: string) => login(app.request, username, undefined, { headers: { "User-Agent": userAgent } });
  const user = await newUser(app.t, username);
  const phone = await signIn(CHROME_WINDOWS);
  const { config, tokens } = await codeFlow(app, { browser: phone, username, scope: "openid profile" });
  const laptop = await signIn(FIREFOX_LINUX);
  return { user, phone, laptop, config, refreshToken: tokens.refresh_token!, accessToken: tokens.access_token };
}
