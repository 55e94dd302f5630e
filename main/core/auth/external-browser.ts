// The ExternalBrowser port (DESIGN.md "ExternalBrowser"; RFC 8252 §8.12): the agent's own browser
// shows the authorization page; the result comes back through a loopback redirect
// (loopback-redirect.ts), never through this port. Adapters: Electron `shell.openExternal`
// (main/electron/external-browser.ts), and a Chromium page the e2e tests can drive
// (main/browser-shell/external-browser.ts).

export interface ExternalBrowserRequest {
  /** The authorization URL (http(s) only; it carries no secret: PKCE sends the challenge, not the verifier). */
  url: string;
  profileId: string;
}

/** Errors: PatchbayError `login.unavailable` (no browser could be opened) — the same code as the
 *  LoginWindow port, so the session treats both alike. */
export interface ExternalBrowser {
  /** Resolves once the page was handed to the browser, not when the agent has finished. */
  open(request: ExternalBrowserRequest): Promise<void>;
}

/** Only web pages go to the system browser: never file:, javascript: or a custom scheme handler. */
export function isBrowsableUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}
