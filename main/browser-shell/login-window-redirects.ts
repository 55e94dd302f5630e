// The sign-in window's redirect guard (main/browser-shell/login-window.ts): a 3xx on a document is
// held at CDP Fetch's response stage and its Location checked before Chromium follows it.
import type { BrowserContext, Page } from 'playwright-core';
import { matchRedirectTo, navigationAllowed, loginRefusedHost, type FlowHosts } from '../core/auth/login-window-support.ts';
import type { LoginWindowRequest, LoginWindowResult } from '../core/auth/login-window.ts';
import { toPatchbayError, type PatchbayError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';

/** The journey's side of the guard: its request and hosts, and how it claims and ends the run. */
export interface RedirectGuardHost {
  readonly request: LoginWindowRequest;
  readonly flow: FlowHosts;
  readonly log: Logger;
  /** Claims the outcome synchronously (true once). */
  claim(): boolean;
  /** Ends the run with a result already claimed. */
  finish(result: LoginWindowResult): void;
  fail(error: PatchbayError): void;
}

/** Playwright routes only the first request of a redirect chain, so a 3xx on a document is held
 *  at the response stage (CDP Fetch) and its Location checked before the browser follows it: a
 *  disallowed host is never contacted, and a redirectTo target never loads. */
export async function guardRedirects(context: BrowserContext, page: Page, host: RedirectGuardHost): Promise<void> {
  type Paused = { requestId: string; frameId?: string; request: { url: string }; responseStatusCode?: number; responseHeaders?: { name: string; value: string }[] };
  const explicit = host.request.allowedHosts !== undefined && host.request.allowedHosts.length > 0;
  try {
    const cdp = await context.newCDPSession(page);
    const tree = (await cdp.send('Page.getFrameTree').catch(() => undefined)) as { frameTree?: { frame?: { id?: string } } } | undefined;
    const mainFrameId = tree?.frameTree?.frame?.id;
    cdp.on('Fetch.requestPaused', (event: Paused) => {
      const status = event.responseStatusCode ?? 0;
      const location = event.responseHeaders?.find((h) => h.name.toLowerCase() === 'location')?.value;
      let to: string | undefined;
      try {
        to = status >= 300 && status < 400 && location ? new URL(location, event.request.url).href : undefined;
      } catch {
        to = undefined;
      }
      const redirect = to ? matchRedirectTo(host.request.until, to) : undefined;
      if (to && redirect && host.claim()) {
        const headers = Object.fromEntries((event.responseHeaders ?? []).map((h) => [h.name.toLowerCase(), h.value]));
        void cdp.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'Aborted' }).catch(() => undefined);
        host.finish({ completion: redirect, url: to, status, headers });
        return;
      }
      const checked = explicit || event.frameId === undefined || event.frameId === mainFrameId;
      const allowed = !to || !checked ? true : explicit ? navigationAllowed(to, host.request.allowedHosts) : host.flow.allow(to, event.request.url, 'redirect');
      if (to && !redirect && !allowed) {
        void cdp.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'BlockedByClient' }).catch(() => undefined);
        host.fail(loginRefusedHost(to));
        return;
      }
      void cdp.send('Fetch.continueRequest', { requestId: event.requestId }).catch(() => undefined);
    });
    await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*', resourceType: 'Document', requestStage: 'Response' }] });
  } catch (error) {
    host.log.debug('login-window.redirect-guard-unavailable', { code: toPatchbayError(error).code });
  }
}
