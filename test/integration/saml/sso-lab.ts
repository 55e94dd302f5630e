// Shared pieces of the SSO tests: a lab ICWS wired to an IdP (the lab's own samlify IdP or
// SimpleSAMLphp), an "agent" that fills the IdP's form through the LoginWindow's CDP port, and
// small HTML form readers for the tests that walk the SAML pages without a browser.
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startIcwsServer, type IcwsLabServer, type IcwsServerOptions } from '../../../lab/icws/server.ts';
import { startLabIdp, type LabIdp } from '../../../lab/saml/idp.ts';
import { startSimpleSamlPhp, type SimpleSamlPhp } from '../../rigs/simplesamlphp/ssp.ts';

export const IDP_ID = 'lab-saml-idp';

export interface IdpForm {
  user: string;
  password: string;
  submit: string;
}
export const LAB_IDP_FORM: IdpForm = { user: '#username', password: '#password', submit: '#login-submit' };
export const SSP_FORM: IdpForm = { user: '#username', password: '#password', submit: '#submit_button' };

export interface SsoLab {
  kind: 'lab' | 'ssp';
  icws: IcwsLabServer;
  labIdp?: LabIdp;
  ssp?: SimpleSamlPhp;
  /** Origin of the IdP's pages. */
  idpUrl: string;
  form: IdpForm;
  close(): Promise<void>;
}

export async function startSsoLab(kind: 'lab' | 'ssp', icwsOptions: IcwsServerOptions = {}, capabilities: ('saml2Post' | 'saml2Redirect')[] = ['saml2Post', 'saml2Redirect']): Promise<SsoLab> {
  const labIdp = kind === 'lab' ? await startLabIdp() : undefined;
  const ssp = kind === 'ssp' ? await startSimpleSamlPhp() : undefined;
  const idp = (labIdp ?? ssp)!;
  const entryPoint = labIdp ? labIdp.ssoUrl : ssp!.ssoUrl;
  const icws = await startIcwsServer({
    ssePingIntervalMs: 500,
    ...icwsOptions,
    identityProviders: [
      {
        identityProviderId: IDP_ID,
        displayName: kind === 'lab' ? 'Lab SAML IdP' : 'SimpleSAMLphp',
        capabilities,
        saml: { entryPoint, idpCert: idp.certificate, idpEntityId: idp.entityId },
      },
      // Listed for the capability filter of server-info [ICWS-08].
      { identityProviderId: 'redirect-only-idp', displayName: 'Redirect only', capabilities: ['saml2Redirect'] },
    ],
  });
  const sp = { entityId: icws.sso.entityId, acsUrl: icws.sso.acsUrl };
  if (labIdp) labIdp.addServiceProvider(sp);
  else await ssp!.addServiceProvider(sp);
  return {
    kind,
    icws,
    ...(labIdp ? { labIdp } : {}),
    ...(ssp ? { ssp } : {}),
    idpUrl: labIdp ? labIdp.url : ssp!.url,
    form: labIdp ? LAB_IDP_FORM : SSP_FORM,
    close: async () => {
      await icws.close();
      await labIdp?.close();
      await ssp?.stop();
    },
  };
}

async function waitForValue<T>(read: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The agent: attaches to the LoginWindow's browser over CDP, as the docs of the adapter describe. */
export class Agent {
  private browser: Browser | undefined;
  private readonly used = new WeakSet<Page>();
  private readonly endpoint: () => string | undefined;

  constructor(endpoint: () => string | undefined) {
    this.endpoint = endpoint;
  }

  private async connect(): Promise<Browser> {
    if (this.browser?.isConnected()) return this.browser;
    const url = await waitForValue(this.endpoint, 'the LoginWindow CDP endpoint', 10_000);
    this.browser = await chromium.connectOverCDP(url);
    return this.browser;
  }

  /** Marks every page open now as not the next sign-in's (call between runs). */
  async forget(): Promise<void> {
    if (!this.browser?.isConnected()) return;
    for (const page of this.browser.contexts().flatMap((c) => c.pages())) this.used.add(page);
  }

  /** The open sign-in page whose URL starts with `prefix` (or matches it), not one handed out
   *  before, and alive: an earlier run's page may still look open from this second CDP client. */
  async page(prefix: string | RegExp, timeoutMs = 30_000): Promise<Page> {
    const matches = (url: string) => (typeof prefix === 'string' ? url.startsWith(prefix) : prefix.test(url));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const browser = await this.connect();
      const candidates = browser
        .contexts()
        .flatMap((c) => c.pages())
        .filter((p) => !this.used.has(p) && !p.isClosed() && matches(p.url()));
      for (const page of candidates) {
        this.used.add(page);
        const alive = await page.evaluate(() => document.readyState).catch(() => null);
        if (alive !== null) return page;
      }
      if (Date.now() > deadline) throw new Error(`no sign-in page at ${prefix}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Types the user name and password on the IdP's form and submits it, as a person would. */
  async signIn(idpUrl: string | RegExp, form: IdpForm, user: string, password: string): Promise<Page> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const page = await this.page(idpUrl);
      try {
        await page.locator(form.user).fill(user, { timeout: 5_000 });
        await page.locator(form.password).fill(password, { timeout: 5_000 });
        await page.locator(form.submit).click({ timeout: 5_000 });
        return page;
      } catch (error) {
        // A page that closed under us was an earlier run's: look again.
        if (!page.isClosed() && !/closed/i.test(String(error))) throw error;
        if (Date.now() > deadline) throw error;
      }
    }
  }

  async disconnect(): Promise<void> {
    const b = this.browser;
    this.browser = undefined;
    await b?.close().catch(() => undefined);
  }
}

// ---- browserless SAML walking (forms read from HTML) -------------------------------------------

export function decodeHtml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The first form's action and its hidden inputs. */
export function readForm(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]*)"/i.exec(html)?.[1];
  if (action === undefined) throw new Error('no form on the page');
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(m[0])?.[1];
    const value = /value="([^"]*)"/.exec(m[0])?.[1] ?? '';
    if (name) fields[decodeHtml(name)] = decodeHtml(value);
  }
  return { action: decodeHtml(action), fields };
}
