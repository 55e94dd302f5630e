// The LoginWindow port (DESIGN.md "LoginWindow: the JavaScript-executing browser"): the core asks a
// shell for a real browser engine to walk IdP pages (redirects, cookies, auto-submitting forms,
// JavaScript — FIN-04) and tells it when the journey is complete. Adapters: Electron BrowserWindow
// (main/electron) and Chromium via playwright-core (main/browser-shell).
import type { CookieJar } from 'tough-cookie';

export type LoginCompletion =
  /** Done when the window navigates to a URL starting with this prefix. */
  | { urlPrefix: string }
  /** Done on the first response carrying this header (ICWS `ININ-STS-Token`, ICWS-11). */
  | { responseHeader: string }
  /** Done on a JSON response from a URL starting with this prefix; its body is returned (Finesse token). */
  | { jsonResponseAt: string }
  /** Done when the window is redirected to this loopback URL (RFC 8252); the URL is returned. */
  | { redirectTo: string };

export interface LoginWindowRequest {
  url: string;
  profileId: string;
  /** 'never': hidden (silent refresh); 'when-needed': hidden until the page needs the agent; 'always'. */
  visible: 'never' | 'when-needed' | 'always';
  timeoutMs: number;
  until: LoginCompletion[];
  /** The profile's cookie jar: its cookies seed the window, the window's cookies are written back. */
  jar?: CookieJar;
  /** Hosts the window may navigate to (the platform's and the IdP's, as IT listed them); others are
   *  refused. Without it the window allows `profileHosts` plus the hosts the flow reaches from them
   *  (login-window-support.ts FlowHosts; issue 8 item 6). */
  allowedHosts?: string[];
  /** The platform's own hosts (the profile's servers): always allowed, where a flow's learned hosts
   *  start, and the only hosts a `responseHeader` completion (ININ-STS-Token) is accepted from.
   *  Default: the host of `url`. */
  profileHosts?: string[];
  title?: string;
  signal?: AbortSignal;
  /** Cookie names the window's own store must not keep after the run for the `profileHosts` (they
   *  reach `jar` first): a platform's token cookies (Finesse FIN-15), so no token stays in a browser
   *  profile on disk — the keychain is the only disk a token may reach. An IdP's cookies of the same
   *  name stay. Adapters with a throw-away store ignore it. */
  forgetCookies?: string[];
}

export interface LoginWindowResult {
  /** Which completion matched (an element of request.until). */
  completion: LoginCompletion;
  url: string;
  status: number;
  /** Lower-cased response header names of the completing response. */
  headers: Record<string, string>;
  /** The completing response body for jsonResponseAt. */
  body?: string;
  /** Hosts this flow reached beyond the profile's (the IdP's), for diagnostics. */
  learnedHosts?: string[];
}

/** Errors: PatchbayError codes `login.cancelled` (agent closed the window), `login.timeout`,
 *  `login.failed` (navigation error, refused host), `login.unavailable` (no browser in this shell). */
export interface LoginWindow {
  run(request: LoginWindowRequest): Promise<LoginWindowResult>;
  /** Forget everything the window keeps for this profile — cookies, storage, HTTP cache — so the
   *  next person at the workstation is not signed in with the last one's IdP session (sign-out,
   *  profile removal, "forget saved sign-in"; DESIGN.md trust boundaries, issue 8 item 7). */
  clearProfile?(profileId: string): Promise<void>;
}
