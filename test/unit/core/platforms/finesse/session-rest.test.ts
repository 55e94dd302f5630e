// The Finesse session's authenticated REST call (session-rest.ts; protocols/finesse.md §4, FIN-11, issue 13
// item 2): the node in use, the header of the moment, one renewal and one retry after a refused Bearer token,
// and which failures tell the session its node or its sign-in is gone. Mutation work of docs/mutation.md
// "Session 5, helper MUT-FIN3A"; a stub HttpSession and stub credentials, no sockets.
import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import type { FinesseCredentials } from '../../../../../main/core/platforms/finesse/credentials.ts';
import { sessionHttp, sessionRest, type RestDeps } from '../../../../../main/core/platforms/finesse/session-rest.ts';
import type { PlatformContext } from '../../../../../main/core/platforms/platform.ts';
import { rejection } from '../../../../helpers/errors.ts';

const res = (status: number, body = '') => ({ status, headers: {}, setCookie: [], url: '', chain: [], body: new Uint8Array(), text: () => body, json: () => ({}) }) as unknown as HttpResponse;

function setup(opts: { kind?: 'basic' | 'sso'; answers: (HttpResponse | Error)[]; headers?: string[]; renewed?: boolean[] }) {
  const sent: HttpRequest[] = [];
  const answers = [...opts.answers];
  const http = {
    request: async (req: HttpRequest) => {
      sent.push(req);
      const next = answers.shift();
      if (next === undefined) throw new Error('no answer left');
      if (next instanceof Error) throw next;
      return next;
    },
  } as unknown as HttpSession;
  const headers = [...(opts.headers ?? ['Bearer one', 'Bearer two'])];
  const renewed = [...(opts.renewed ?? [true])];
  const refusedWith: string[] = [];
  const auth = {
    kind: opts.kind ?? 'sso',
    authorization: async () => headers.shift() ?? 'Bearer last',
    renewAfterRefusal: async (refused: string) => (refusedWith.push(refused), renewed.shift() ?? false),
  } as unknown as FinesseCredentials;
  const gone: PatchbayError[] = [];
  const lost: PatchbayError[] = [];
  let origin = 'https://fin-a:8445';
  const deps: RestDeps = { auth, origin: () => origin, onNodeGone: (e) => gone.push(e), onSignInLost: (e) => lost.push(e) };
  return { http, deps, sent, gone, lost, refusedWith, moveTo: (o: string) => (origin = o) };
}

describe('sessionRest (§4)', () => {
  it('sends to the node in use at each call with the current header, and hands back a success as is [FIN-11]', async () => {
    const s = setup({ answers: [res(200, '<User/>'), res(202)], headers: ['Bearer one', 'Bearer two'] });
    const first = await sessionRest(s.http, s.deps, 'GET', '/finesse/api/User/1');
    expect(first.text()).toBe('<User/>');
    s.moveTo('https://fin-b:8445');
    expect((await sessionRest(s.http, s.deps, 'PUT', '/finesse/api/User/1', '<User/>', { requestId: 'r' })).status).toBe(202);
    expect(s.sent.map((r) => [r.method, r.url, r.headers?.Authorization, r.body, r.headers?.requestId])).toEqual([
      ['GET', 'https://fin-a:8445/finesse/api/User/1', 'Bearer one', undefined, undefined],
      ['PUT', 'https://fin-b:8445/finesse/api/User/1', 'Bearer two', '<User/>', 'r'],
    ]);
    expect(s.sent.every((r) => r.followRedirects === false)).toBe(true);
    expect([s.gone, s.lost, s.refusedWith]).toEqual([[], [], []]);
  });

  it('a refused Bearer token: one renewal, one retry with the new header, and the retry\'s answer [FIN-11, issue 13 item 2]', async () => {
    const s = setup({ answers: [res(401), res(200, 'ok')], headers: ['Bearer old', 'Bearer new'], renewed: [true] });
    expect((await sessionRest(s.http, s.deps, 'GET', '/x')).text()).toBe('ok');
    expect(s.refusedWith).toEqual(['Bearer old']);
    expect(s.sent.map((r) => r.headers?.Authorization)).toEqual(['Bearer old', 'Bearer new']);
    expect(s.lost).toEqual([]);
  });

  it('never more than one retry: a second 401 is the lost sign-in [FIN-11, issue 13 item 2]', async () => {
    const s = setup({ answers: [res(401), res(401)], renewed: [true, true] });
    const e = await rejection(sessionRest(s.http, s.deps, 'GET', '/x'));
    expect(e).toMatchObject({ code: 'finesse.unauthorized', action: 'sign-in-again' });
    expect(s.sent).toHaveLength(2);
    expect(s.refusedWith).toEqual(['Bearer one']);
    expect(s.lost).toEqual([e]);
  });

  it('no renewal (Basic, or the refresh failed): no retry, the 401 is the lost sign-in', async () => {
    const s = setup({ answers: [res(401)], renewed: [false] });
    const e = await rejection(sessionRest(s.http, s.deps, 'GET', '/x'));
    expect(e.code).toBe('finesse.unauthorized');
    expect(s.sent).toHaveLength(1);
    expect(s.lost).toEqual([e]);
  });

  it('a 401 on the first call of a Basic sign-in is the wrong password; for SSO it is not', async () => {
    const basic = setup({ kind: 'basic', answers: [res(401)], headers: ['Basic x'], renewed: [false] });
    expect((await rejection(sessionRest(basic.http, basic.deps, 'GET', '/x', undefined, { unauthorized: 'sign-in' }))).code).toBe('finesse.sign-in.rejected');
    expect(basic.lost).toHaveLength(1);
    const later = setup({ kind: 'basic', answers: [res(401)], headers: ['Basic x'], renewed: [false] });
    expect((await rejection(sessionRest(later.http, later.deps, 'GET', '/x'))).code).toBe('finesse.unauthorized');
    const sso = setup({ kind: 'sso', answers: [res(401)], renewed: [false] });
    expect((await rejection(sessionRest(sso.http, sso.deps, 'GET', '/x', undefined, { unauthorized: 'sign-in' }))).code).toBe('finesse.unauthorized');
  });

  it('a 503 is thrown as out of service, without telling the session its sign-in is lost; other statuses are the caller\'s', async () => {
    const s = setup({ answers: [res(503), res(404), res(500)] });
    expect((await rejection(sessionRest(s.http, s.deps, 'GET', '/x'))).code).toBe('finesse.out-of-service');
    expect((await sessionRest(s.http, s.deps, 'GET', '/x')).status).toBe(404);
    expect((await sessionRest(s.http, s.deps, 'GET', '/x')).status).toBe(500);
    expect([s.lost, s.refusedWith, s.gone]).toEqual([[], [], []]);
  });

  it('no answer from the node (unreachable, timeout) tells the session the node may be gone; other failures do not', async () => {
    const unreachable = new PatchbayError('net.unreachable', 'x');
    const timeout = new PatchbayError('net.timeout', 'y');
    const tls = new PatchbayError('net.tls', 'z');
    const s = setup({ answers: [unreachable, timeout, tls, new TypeError('boom')] });
    expect(await rejection(sessionRest(s.http, s.deps, 'GET', '/x'))).toBe(unreachable);
    expect(await rejection(sessionRest(s.http, s.deps, 'GET', '/x'))).toBe(timeout);
    expect(await rejection(sessionRest(s.http, s.deps, 'GET', '/x'))).toBe(tls);
    const typed = await rejection(sessionRest(s.http, s.deps, 'GET', '/x'));
    expect(typed.code).toBe('internal.unexpected');
    expect(s.gone).toEqual([unreachable, timeout]);
    expect(s.lost).toEqual([]);
  });

  it('a failure of the retry after a renewal also reaches the node check', async () => {
    const gone = new PatchbayError('net.timeout', 't');
    const s = setup({ answers: [res(401), gone], renewed: [true] });
    expect(await rejection(sessionRest(s.http, s.deps, 'GET', '/x'))).toBe(gone);
    expect(s.gone).toEqual([gone]);
  });
});

describe('sessionHttp: the profile\'s HttpSession', () => {
  const log = createLogger({ sink: memorySink() });
  const context = (extra: Partial<PlatformContext>) => ({ profile: { id: 'p-1' }, ...extra }) as unknown as PlatformContext;

  it('the core\'s own HttpSession when it provides one (CA bundle, proxy)', () => {
    const own = new HttpSession({ profileId: 'core' });
    expect(sessionHttp(context({ createHttpSession: () => own }), log)).toBe(own);
  });

  it('else a new one for the profile, with the agent\'s language on each request (issue 13 item 11)', async () => {
    const http = sessionHttp(context({ acceptLanguage: () => 'de-DE' }), log);
    expect(http).toBeInstanceOf(HttpSession);
    expect(http.profileId).toBe('p-1');
    expect((http as unknown as { acceptLanguage?: () => string }).acceptLanguage?.()).toBe('de-DE');
    expect((sessionHttp(context({}), log) as unknown as { acceptLanguage?: unknown }).acceptLanguage).toBeUndefined();
  });

  it('the core\'s dispatcher (proxy, CA bundle), clock and the session log are handed on', () => {
    const dispatcher = { dispatch: () => true } as unknown as PlatformContext['dispatcher'];
    const clock = { now: () => 5 } as unknown as PlatformContext['clock'];
    const inner = sessionHttp(context({ dispatcher, clock }), log) as unknown as { dispatcher?: unknown; clock?: unknown; log?: unknown };
    expect(inner.dispatcher).toBe(dispatcher);
    expect(inner.clock).toBe(clock);
    expect(inner.log).toBe(log);
    expect((sessionHttp(context({}), log) as unknown as { dispatcher?: unknown }).dispatcher).toBeUndefined();
  });
});
