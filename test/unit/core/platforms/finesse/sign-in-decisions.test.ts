// Finesse sign-in decisions as pure steps (discovery.ts, sign-in-steps.ts; protocols/finesse.md §1,
// §5): SystemInfo first (FIN-05), HYBRID decided by the user's own mode (FIN-06), no password for an
// SSO user (FIN-09), what the form asks for, the node walk and the XMPP endpoint. Issue 9 mutation
// work (docs/mutation.md, "Session 3, helper MUT-FIN"); the same decisions over the lab are in
// test/integration/finesse/finesse-conformance.test.ts.
import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import {
  DISCOVERY_TIMEOUT_MS,
  discoverNode,
  fetchSystemInfo,
  fetchUserAuthMode,
  hostOf,
  hybridUserMode,
  signInOptionsFor,
} from '../../../../../main/core/platforms/finesse/discovery.ts';
import { FinesseOptionsSchema } from '../../../../../main/core/platforms/finesse/options.ts';
import { channelEndpoint, formMode, loginExtension, passwordOf, signInMode, userNameOf } from '../../../../../main/core/platforms/finesse/sign-in-steps.ts';
import type { FinesseUser, SystemInfo } from '../../../../../main/core/platforms/finesse/wire.ts';

const A = 'https://fin-a.example.com:8445';
const B = 'https://fin-b.example.com:8445';
const C = 'https://fin-c.example.com:8445';
const log = createLogger({ sink: memorySink() });

function res(status: number, body: string): HttpResponse {
  return { status, headers: {}, setCookie: [], url: A, chain: [A], body: new TextEncoder().encode(body), text: () => body, json: () => JSON.parse(body) as unknown } as HttpResponse;
}
const systemInfoXml = (status: string, mode = 'NON_SSO', reason?: string) =>
  `<SystemInfo><status>${status}</status>${reason ? `<statusReason>${reason}</statusReason>` : ''}<systemAuthMode>${mode}</systemAuthMode><xmppDomain>finesse.example.com</xmppDomain></SystemInfo>`;

/** A stub HttpSession answering per origin; records every request. */
function http(answer: (req: HttpRequest) => HttpResponse | Error) {
  const requests: HttpRequest[] = [];
  const session = {
    async request(req: HttpRequest) {
      requests.push(req);
      const a = answer(req);
      if (a instanceof Error) throw a;
      return a;
    },
  } as unknown as HttpSession;
  return { session, requests };
}
const origin = (req: HttpRequest) => new URL(String(req.url)).origin;
const system = (mode: SystemInfo['systemAuthMode']): SystemInfo => ({ status: 'IN_SERVICE', systemAuthMode: mode });

describe('HYBRID: the user decides (FIN-06, FIN-09)', () => {
  it("the user's own mode wins over the agent's choice and the profile [FIN-06]", () => {
    for (const userMode of ['SSO', 'NON_SSO'] as const) {
      for (const input of [{}, { sso: {} }, { credentials: { userName: 'u', password: 'p' } }]) {
        for (const profileAuthMode of ['sso', 'password']) expect(hybridUserMode(userMode, input, profileAuthMode)).toBe(userMode);
      }
    }
  });

  it("unknown user mode: the agent's choice (SSO button first), else the profile's [FIN-06, FIN-09]", () => {
    expect(hybridUserMode(undefined, { sso: {}, credentials: { userName: 'u', password: 'p' } }, 'password')).toBe('SSO');
    expect(hybridUserMode(undefined, { credentials: { userName: 'u', password: 'p' } }, 'sso')).toBe('NON_SSO');
    expect(hybridUserMode(undefined, {}, 'sso')).toBe('SSO');
    expect(hybridUserMode(undefined, {}, 'password')).toBe('NON_SSO');
  });

  it('signInMode asks the user mode only in HYBRID, with the user ID and the signal [FIN-06]', async () => {
    const asked: [string, AbortSignal | undefined][] = [];
    const userAuthMode = async (u: string, s?: AbortSignal) => {
      asked.push([u, s]);
      return 'SSO' as const;
    };
    const signal = new AbortController().signal;
    expect(await signInMode(system('HYBRID'), 'ann', { credentials: { userName: 'ann', password: 'p' } }, 'password', userAuthMode, signal)).toBe('SSO');
    expect(asked).toEqual([['ann', signal]]);
    expect(await signInMode(system('SSO'), 'ann', { credentials: { userName: 'ann', password: 'p' } }, 'password', userAuthMode)).toBe('SSO');
    expect(await signInMode(system('NON_SSO'), 'ann', { sso: {} }, 'sso', userAuthMode)).toBe('NON_SSO');
    expect(asked).toHaveLength(1);
  });

  it('the form mode: SystemInfo first; in HYBRID with a user ID the user mode, unreadable → HYBRID-UNKNOWN [FIN-05, FIN-06]', async () => {
    const modeOf = (mode: SystemInfo['systemAuthMode']) => async () => system(mode);
    const asked: string[] = [];
    const user = (answer: 'SSO' | 'NON_SSO' | undefined | Error) => async (u: string) => {
      asked.push(u);
      if (answer instanceof Error) throw answer;
      return answer;
    };
    expect(await formMode(modeOf('SSO'), user('NON_SSO'), 'ann', 'password', log)).toBe('SSO');
    expect(await formMode(modeOf('NON_SSO'), user('SSO'), 'ann', 'sso', log)).toBe('NON_SSO');
    expect(asked).toEqual([]);
    expect(await formMode(modeOf('HYBRID'), user('SSO'), 'ann', 'password', log)).toBe('SSO');
    expect(await formMode(modeOf('HYBRID'), user('NON_SSO'), 'ann', 'sso', log)).toBe('NON_SSO');
    expect(await formMode(modeOf('HYBRID'), user(undefined), 'ann', 'sso', log)).toBe('HYBRID-UNKNOWN');
    expect(await formMode(modeOf('HYBRID'), user(new Error('down')), 'ann', 'sso', log)).toBe('HYBRID-UNKNOWN');
    expect(asked).toEqual(['ann', 'ann', 'ann', 'ann']);
    // No user ID yet: the form asks for it first (HYBRID), nothing asked.
    expect(await formMode(modeOf('HYBRID'), user('SSO'), undefined, 'sso', log)).toBe('HYBRID');
    expect(await formMode(modeOf('HYBRID'), user('SSO'), '', 'sso', log)).toBe('HYBRID');
    expect(asked).toHaveLength(4);
    // SystemInfo unreadable: the profile's choice.
    const down = async (): Promise<SystemInfo> => {
      throw new PatchbayError('finesse.no-server', 'x', { action: 'retry' });
    };
    expect(await formMode(down, user('NON_SSO'), 'ann', 'sso', log)).toBe('SSO');
    expect(await formMode(down, user('SSO'), 'ann', 'password', log)).toBe('NON_SSO');
  });

  it('the form per mode: an SSO user gets no password field, the note says where the password goes [FIN-09]', () => {
    const sso = [{ id: 'finesse-sso', label: 'Single sign-on' }];
    expect(signInOptionsFor('SSO', { userName: 'ann' })).toEqual({
      credentialsForm: false,
      identityProviders: sso,
      userNameRequired: false,
      extensionRequired: true,
      note: "You type your password on your organisation's sign-in page, never in Patchbay.",
    });
    expect(signInOptionsFor('SSO', { userName: undefined } as never).userNameRequired).toBe(true);
    expect(signInOptionsFor('SSO', { userName: '' } as never).userNameRequired).toBe(true);
    expect(signInOptionsFor('NON_SSO', { userName: 'ann' })).toEqual({ credentialsForm: true, identityProviders: [], userNameRequired: true, extensionRequired: true });
    const unknown = signInOptionsFor('HYBRID-UNKNOWN', { userName: 'ann' });
    expect(unknown).toMatchObject({ credentialsForm: true, identityProviders: sso, userNameRequired: true, extensionRequired: true });
    expect(unknown.note).toBe(
      'This server did not say whether you sign in with a password or single sign-on. Choose the one your organisation gave you; if you use single sign-on, do not type your password here.',
    );
    expect(signInOptionsFor('HYBRID', { userName: 'ann' })).toEqual({
      credentialsForm: false,
      identityProviders: sso,
      userNameRequired: true,
      extensionRequired: true,
      note: 'Enter your user ID first: this server decides per user between a password and single sign-on.',
    });
  });

  it('a password is taken only from the credentials form; none there is a typed refusal [FIN-09]', () => {
    expect(passwordOf({ credentials: { userName: 'ann', password: 'pw' } })).toBe('pw');
    let error: unknown;
    try {
      passwordOf({ sso: { userName: 'ann' } });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'finesse.sign-in.password-required', action: 'sign-in-again', message: 'This user signs in with a password: enter it to continue.' });
  });
});

describe('user ID and extension', () => {
  const user = (extension?: string) => ({ state: 'LOGOUT', roles: [], ...(extension ? { extension } : {}) }) as FinesseUser;
  it('the user ID: SSO input, then credentials, then the profile, trimmed; none is a typed refusal', () => {
    expect(userNameOf({ sso: { userName: ' sso ' }, credentials: { userName: 'cred', password: 'p' } }, 'prof')).toBe('sso');
    expect(userNameOf({ credentials: { userName: ' cred', password: 'p' } }, 'prof')).toBe('cred');
    expect(userNameOf({}, ' prof ')).toBe('prof');
    for (const [input, profile] of [[{}, undefined], [{ sso: { userName: '   ' } }, undefined], [{}, '  ']] as const) {
      expect(() => userNameOf(input, profile)).toThrow(expect.objectContaining({ code: 'finesse.sign-in.user-required', action: 'sign-in-again', message: 'Enter your Finesse user ID.' }));
    }
  });

  it("the extension: typed (trimmed), else the User's last one; none is a typed refusal", () => {
    expect(loginExtension(' 1001 ', user('2002'))).toBe('1001');
    expect(loginExtension(undefined, user('2002'))).toBe('2002');
    expect(loginExtension('  ', user('2002'))).toBe('2002');
    expect(() => loginExtension('', user())).toThrow(expect.objectContaining({ code: 'finesse.sign-in.extension-required', action: 'sign-in-again', message: 'Enter your extension to sign in.' }));
  });
});

describe('SystemInfo and the node walk (FIN-05, §5 failover)', () => {
  it('reads SystemInfo without credentials or redirects, with the timeout and signal given [FIN-05]', async () => {
    const h = http(() => res(200, systemInfoXml('IN_SERVICE')));
    const signal = new AbortController().signal;
    expect(await fetchSystemInfo(h.session, A, 1234, signal)).toMatchObject({ status: 'IN_SERVICE' });
    expect(h.requests[0]).toEqual({ url: `${A}/finesse/api/SystemInfo`, headers: { Accept: 'application/xml' }, followRedirects: false, timeoutMs: 1234, signal });
    await fetchSystemInfo(h.session, A, 1);
    expect('signal' in h.requests[1]!).toBe(false);
  });

  it('a 503 still carries a SystemInfo; any other status is a typed failure naming it', async () => {
    expect(await fetchSystemInfo(http(() => res(503, systemInfoXml('OUT_OF_SERVICE'))).session, A, 1)).toMatchObject({ status: 'OUT_OF_SERVICE' });
    for (const status of [500, 404, 302, 201]) {
      await expect(fetchSystemInfo(http(() => res(status, 'x')).session, A, 1)).rejects.toMatchObject({ code: 'finesse.system-info.failed', details: { status } });
    }
  });

  it('walks the nodes from `start`, wrapping, to the first IN_SERVICE one [FIN-05]', async () => {
    const status: Record<string, string | Error> = { [A]: 'OUT_OF_SERVICE', [B]: new PatchbayError('net.refused', 'x', { action: 'retry' }), [C]: 'IN_SERVICE' };
    const h = http((req) => {
      const s = status[origin(req)]!;
      return s instanceof Error ? s : res(200, systemInfoXml(s));
    });
    expect(await discoverNode(h.session, log, [A, B, C], 1)).toMatchObject({ index: 2, info: { status: 'IN_SERVICE' } });
    expect(h.requests.map(origin)).toEqual([B, C]);
    expect(h.requests[0]!.timeoutMs).toBe(DISCOVERY_TIMEOUT_MS);
    expect(DISCOVERY_TIMEOUT_MS).toBe(10_000);
    status[A] = 'IN_SERVICE';
    status[C] = 'OUT_OF_SERVICE';
    const again = http((req) => {
      const s = status[origin(req)]!;
      return s instanceof Error ? s : res(200, systemInfoXml(s));
    });
    expect(await discoverNode(again.session, log, [A, B, C], 2)).toMatchObject({ index: 0 });
    expect(again.requests.map(origin)).toEqual([C, A]);
  });

  it('none in service: out of service with the first reason (at most 120 characters) beats unreachable; else the last error; no nodes: no server', async () => {
    const long = 'r'.repeat(200);
    const h = http((req) => (origin(req) === A ? new PatchbayError('net.refused', 'x', { action: 'retry' }) : res(200, systemInfoXml('OUT_OF_SERVICE', 'NON_SSO', origin(req) === B ? long : 'second'))));
    const e = await discoverNode(h.session, log, [A, B, C], 0).then(() => undefined, (x: unknown) => x as PatchbayError);
    expect(e).toMatchObject({ code: 'finesse.out-of-service', action: 'retry', message: `Finesse is out of service (${'r'.repeat(120)}). Try again in a moment.` });
    const noReason = await discoverNode(http(() => res(200, systemInfoXml('OUT_OF_SERVICE'))).session, log, [A], 0).then(() => undefined, (x: unknown) => x as PatchbayError);
    expect(noReason?.message).toBe('Finesse is out of service. Try again in a moment.');
    const errors = [new PatchbayError('net.refused', 'first', { action: 'retry' }), new PatchbayError('net.timeout', 'last', { action: 'retry' })];
    let i = 0;
    const down = await discoverNode(http(() => errors[i++]!).session, log, [A, B], 0).then(() => undefined, (x: unknown) => x as PatchbayError);
    expect(down?.code).toBe('net.timeout');
    const none = await discoverNode(http(() => res(200, '')).session, log, [], 0).then(() => undefined, (x: unknown) => x as PatchbayError);
    expect(none).toMatchObject({ code: 'finesse.no-server', action: 'contact-it' });
  });

  it('an abort during the walk ends it with the abort, not the next node', async () => {
    const control = new AbortController();
    const aborted = new PatchbayError('net.aborted', 'stopped', { action: 'none' });
    const h = http(() => {
      control.abort();
      return aborted;
    });
    await expect(discoverNode(h.session, log, [A, B], 0, control.signal)).rejects.toBe(aborted);
    expect(h.requests).toHaveLength(1);
  });

  it('hostOf gives host:port, or the text itself when it is no URL', () => {
    expect(hostOf(A)).toBe('fin-a.example.com:8445');
    expect(hostOf('not a url')).toBe('not a url');
  });
});

describe('UserAuthMode (FIN-06)', () => {
  it('asks for the user, URL-encoded, without following redirects; 200 gives the mode, anything else none', async () => {
    const h = http(() => res(200, '<UserAuthMode><loginName>a b</loginName><authMode>SSO</authMode></UserAuthMode>'));
    const signal = new AbortController().signal;
    expect(await fetchUserAuthMode(h.session, log, A, 'a b/c', signal)).toBe('SSO');
    expect(h.requests[0]).toEqual({ url: `${A}/finesse/api/UserAuthMode/a%20b%2Fc`, headers: { Accept: 'application/xml' }, followRedirects: false, timeoutMs: DISCOVERY_TIMEOUT_MS, signal });
    for (const status of [403, 404, 500, 302]) {
      expect(await fetchUserAuthMode(http(() => res(status, '<ApiErrors><ApiError><errorMessage>off</errorMessage></ApiError></ApiErrors>')).session, log, A, 'ann')).toBeUndefined();
    }
  });
});

describe('the notification endpoint (§5)', () => {
  const facts = (extra: Partial<Parameters<typeof channelEndpoint>[0]> = {}) => ({
    origin: A,
    options: FinesseOptionsSchema.parse({}),
    system: { status: 'IN_SERVICE', systemAuthMode: 'NON_SSO', xmppDomain: 'finesse.corp' } as SystemInfo,
    userId: 'AgentOne',
    password: 'secret',
    resource: 'patchbay-1',
    dispatcher: undefined,
    lab: false,
    ...extra,
  });

  it('the REST node, the SystemInfo XMPP domain, the loginId lower-cased as the JID user, TLS unless lab', () => {
    expect(channelEndpoint(facts())).toEqual({
      service: 'wss://fin-a.example.com:8445/ws',
      domain: 'finesse.corp',
      username: 'agentone',
      password: 'secret',
      resource: 'patchbay-1',
      dispatcher: undefined,
      allowCleartext: false,
    });
    expect(channelEndpoint(facts({ lab: true })).allowCleartext).toBe(true);
  });

  it('the configured XMPP port and path; no SystemInfo domain → the host name', () => {
    const e = channelEndpoint(facts({ options: FinesseOptionsSchema.parse({ xmppPort: 7443, xmppPath: '/http-bind' }), system: undefined }));
    expect(e.service).toBe('wss://fin-a.example.com:7443/http-bind');
    expect(e.domain).toBe('fin-a.example.com');
  });
});
