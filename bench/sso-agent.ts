// The agent at the sign-in window for the WAN SSO benches (issue 15 item 1): watches the LoginWindow's
// Chromium (same process, playwright-core) for a sign-in form, types the lab user's name and password
// and submits. What the agent's own time costs is measured and taken out of the sign-in time: from the
// form page's DOMContentLoaded to the submit click (both wall clock), so what is left is what the
// protocol and the WAN cost.
import type { Browser, Page } from 'playwright-core';

export interface SsoForm {
  /** A selector that exists only on the sign-in form page. */
  marker: string;
  user: string;
  password: string;
  submit: string;
}

export const LAB_IDP_FORM: SsoForm = { marker: '#login-form', user: '#username', password: '#password', submit: '#login-submit' };
/** The GWS lab's Salesforce stand-in login page (lab/gws/salesforce.ts). */
export const SALESFORCE_FORM: SsoForm = { marker: '#login-form', user: '#username', password: '#password', submit: '#Login' };
export const GC_LOGIN_FORM: SsoForm = { marker: 'input[name=password]', user: 'input[name=username]', password: 'input[name=password]', submit: 'button[type=submit]' };

export interface AgentRun {
  /** Form shown (DOMContentLoaded) → submitted, ms; 0 when no form was shown (IdP session kept). */
  agentMs: number;
  /** The agent's spans (wall clock ms), to take out of request times too. */
  pauses: { from: number; to: number }[];
  stop(): void;
}

/** A wall-clock instant with the agent's time before it taken out. */
export function withoutAgent(at: number, pauses: { from: number; to: number }[]): number {
  return at - pauses.reduce((sum, p) => sum + (at >= p.to ? p.to - p.from : at > p.from ? at - p.from : 0), 0);
}

/** Starts watching; `run.agentMs` is final once the sign-in ended (call stop()). */
export function actAsAgent(browser: Browser, form: SsoForm, user: string, password: string): AgentRun {
  const done = new WeakSet<Page>();
  let stopped = false;
  const run: AgentRun = {
    agentMs: 0,
    pauses: [],
    stop: () => {
      stopped = true;
    },
  };
  const loop = async () => {
    while (!stopped) {
      for (const page of browser.contexts().flatMap((c) => c.pages())) {
        if (done.has(page) || page.isClosed()) continue;
        const shown = (await page.locator(form.marker).count().catch(() => 0)) > 0;
        if (!shown) continue;
        done.add(page);
        try {
          const shownAt = await page.evaluate(() => {
            const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
            return performance.timeOrigin + (nav?.domContentLoadedEventEnd ?? performance.now());
          });
          await page.locator(form.user).fill(user);
          await page.locator(form.password).fill(password);
          const submittedAt = performance.timeOrigin + performance.now();
          await page.locator(form.submit).click();
          run.agentMs += Math.max(0, submittedAt - shownAt);
          if (submittedAt > shownAt) run.pauses.push({ from: shownAt, to: submittedAt });
        } catch {
          // The page went away under us (a run that ended): nothing to type into.
        }
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  void loop();
  return run;
}
