// issue 8 item 6: with no ssoAllowedHosts, the sign-in window allows the profile's hosts plus the IdP
// hosts the flow reaches from them (learned per flow), and ININ-STS-Token counts only from the
// profile's own hosts [ICWS-11].
import { describe, expect, it } from 'vitest';
import { FlowHosts, matchResponse } from '../../../../main/core/auth/login-window-support.ts';

const ICWS = 'https://ic1.example.com:8019';

describe('FlowHosts: the hosts one sign-in flow may visit', () => {
  it('allows the profile hosts, and learns a host reached from them (redirect or page navigation)', () => {
    const flow = new FlowHosts({ url: `${ICWS}/icws/connection/single-sign-on/identity-providers/x`, profileHosts: ['ic1.example.com:8019'] });
    expect(flow.allow(`${ICWS}/start`, undefined, 'navigate')).toBe(true);
    expect(flow.allow('https://idp.example.org/sso', `${ICWS}/start`, 'post')).toBe(true); // SP → IdP (POST binding)
    expect(flow.allow('https://federated.example.net/login', 'https://idp.example.org/sso', 'redirect')).toBe(true); // IdP → IdP by redirect
    expect(flow.allow('https://third.example.com/saml', 'https://federated.example.net/login', 'post')).toBe(true); // IdS → IdP (POST binding)
    expect(flow.learned).toEqual(['idp.example.org', 'federated.example.net', 'third.example.com']);
    // Back to the profile's host, and around the learned ones: allowed.
    expect(flow.allow(`${ICWS}/return`, 'https://federated.example.net/login', 'navigate')).toBe(true);
    expect(flow.allow('https://idp.example.org/other', 'https://federated.example.net/login', 'navigate')).toBe(true);
  });

  it('refuses a new host a learned page navigates to by itself, one not reached from the flow, and non-http schemes', () => {
    const flow = new FlowHosts({ url: `${ICWS}/start`, profileHosts: ['ic1.example.com:8019'] });
    expect(flow.allow('https://idp.example.org/sso', `${ICWS}/start`, 'redirect')).toBe(true);
    expect(flow.allow('https://phish.example.com/', 'https://idp.example.org/sso', 'navigate')).toBe(false); // a link on the IdP page
    expect(flow.allow('https://elsewhere.example.com/', undefined, 'navigate')).toBe(false);
    expect(flow.allow('https://elsewhere.example.com/', 'https://unknown.example.com/', 'redirect')).toBe(false);
    expect(flow.allow('file:///etc/passwd', `${ICWS}/start`, 'navigate')).toBe(false);
    expect(flow.allow('javascript:alert(1)', `${ICWS}/start`, 'navigate')).toBe(false);
    expect(flow.learned).toEqual(['idp.example.org']);
  });

  it('defaults the profile hosts to the start URL host', () => {
    const flow = new FlowHosts({ url: 'https://login.mypurecloud.com/oauth/authorize?x=1' });
    expect(flow.profileHosts).toEqual(['login.mypurecloud.com']);
    expect(flow.allow('https://elsewhere.example.com/', undefined, 'navigate')).toBe(false);
  });

  it("uses IT's ssoAllowedHosts exactly when given (plus the profile hosts), learning nothing", () => {
    const flow = new FlowHosts({ url: `${ICWS}/start`, profileHosts: ['ic1.example.com:8019'], allowedHosts: ['idp.example.org'] });
    expect(flow.allow('https://idp.example.org/sso', `${ICWS}/start`, 'redirect')).toBe(true);
    expect(flow.allow('https://other-idp.example.net/', `${ICWS}/start`, 'redirect')).toBe(false);
    expect(flow.learned).toEqual([]);
  });
});

describe('ININ-STS-Token from the ICWS server only [ICWS-11]', () => {
  it('completes on the header from a profile host, and ignores it from any other host', () => {
    const flow = new FlowHosts({ url: `${ICWS}/start`, profileHosts: ['ic1.example.com:8019'] });
    const until = [{ responseHeader: 'ININ-STS-Token' }];
    const response = (url: string) => ({ url, status: 200, headers: { 'inin-sts-token': 'planted' }, isDocument: true });
    const trusted = (url: string) => flow.trustedResponder(url);
    expect(matchResponse(until, response(`${ICWS}/icws/connection/single-sign-on/return`), trusted)).toEqual(until[0]);
    expect(matchResponse(until, response('https://idp.example.org/acs'), trusted)).toBeUndefined();
    expect(matchResponse(until, response('https://ic1.example.com:9999/x'), trusted)).toBeUndefined();
  });
});

describe('FlowHosts edges (issue 9 mutation testing)', () => {
  it('an empty profile host list falls back to the start URL host; entries match whatever their case', () => {
    expect(new FlowHosts({ url: `${ICWS}/start`, profileHosts: [] }).profileHosts).toEqual(['ic1.example.com:8019']);
    expect(new FlowHosts({ url: 'not a url' }).profileHosts).toEqual([]);
    const flow = new FlowHosts({ url: `${ICWS}/start`, profileHosts: ['IC1.Example.com:8019'] });
    expect(flow.profileHosts).toEqual(['ic1.example.com:8019']);
    expect(flow.trustedResponder(`${ICWS}/x`)).toBe(true);
  });

  it('an empty IT list means none: the flow learns; a given list still allows the profile hosts', () => {
    const learning = new FlowHosts({ url: `${ICWS}/start`, profileHosts: ['ic1.example.com:8019'], allowedHosts: [] });
    expect(learning.allow('https://idp.example.org/sso', `${ICWS}/start`, 'redirect')).toBe(true);
    expect(learning.learned).toEqual(['idp.example.org']);
    const listed = new FlowHosts({ url: `${ICWS}/start`, profileHosts: ['ic1.example.com:8019'], allowedHosts: ['idp.example.org'] });
    expect(listed.allow(`${ICWS}/return`, 'https://idp.example.org/sso', 'navigate')).toBe(true);
    expect(listed.allow('about:blank', undefined, 'navigate')).toBe(true);
    expect(listed.allow('file:///etc/passwd', `${ICWS}/start`, 'redirect')).toBe(false);
  });

  it('learns a host with its port, and only that port', () => {
    const flow = new FlowHosts({ url: `${ICWS}/start`, profileHosts: ['ic1.example.com:8019'] });
    expect(flow.allow('https://idp.example.org:8443/sso', `${ICWS}/start`, 'redirect')).toBe(true);
    expect(flow.learned).toEqual(['idp.example.org:8443']);
    expect(flow.allow('https://idp.example.org:9443/x', undefined, 'navigate')).toBe(false);
  });

  it('a previous hop that is no URL is no profile host (refused, no exception)', () => {
    const flow = new FlowHosts({ url: `${ICWS}/start`, profileHosts: ['ic1.example.com:8019'] });
    expect(flow.allow('https://idp.example.org/sso', 'not a url', 'redirect')).toBe(false);
    expect(flow.trustedResponder('not a url')).toBe(false);
  });
});

describe('FlowHosts host matching (session 3)', () => {
  it('a profile host listed without its port matches that host on any port; about:blank is always allowed', () => {
    const flow = new FlowHosts({ url: `${ICWS}/start`, profileHosts: ['ic1.example.com'] });
    expect(flow.allow(`${ICWS}/x`, undefined, 'navigate')).toBe(true);
    expect(flow.trustedResponder(`${ICWS}/x`)).toBe(true);
    expect(flow.allow('about:blank', undefined, 'navigate')).toBe(true);
  });
});
