// The GWS session under test (gws-session.test.ts, gws-session-rules.test.ts): the scripted FakeGws,
// hand-driven CometD links, a fake clock and a debug memory log; `intercept` answers chosen requests
// before FakeGws does.
import type { LoginWindow } from '../../../../../main/core/auth/login-window.ts';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import { GwsSession } from '../../../../../main/core/platforms/gws/gws-session.ts';
import type { SessionView } from '../../../../../main/core/platforms/platform.ts';
import { ProfileSchema, type ProfileInput } from '../../../../../preload/contract.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import { BASE, FakeGws, FakeLink } from './fake-gws.ts';
export { rejection } from '../../../../helpers/errors.ts';

export function setupGwsSession(
  options: { profile?: Partial<ProfileInput>; gws?: Record<string, unknown>; autoUp?: boolean; loginWindow?: LoginWindow; intercept?: (req: HttpRequest) => HttpResponse | undefined } = {},
) {
  const clock = new FakeClock();
  const gws = new FakeGws();
  const gwsOptions = Object.fromEntries(Object.entries({ authMethod: 'gws-basic', place: 'SIP_Place_1001', ...(options.gws ?? {}) }).filter(([, v]) => v !== undefined));
  const intercept = options.intercept;
  const http = intercept
    ? ({ jar: gws.http.jar, clearCookies: () => gws.http.clearCookies(), request: async (req: HttpRequest) => intercept(req) ?? gws.http.request(req) } as unknown as HttpSession)
    : gws.http;
  const links: FakeLink[] = [];
  const sink = memorySink();
  const profile = ProfileSchema.parse({
    id: 'gws',
    name: 'GWS',
    platform: 'gws',
    servers: [BASE],
    authMode: 'password',
    userName: 'agent1',
    options: { gws: gwsOptions },
    ...options.profile,
  });
  const session = new GwsSession(
    { profile, clock, log: createLogger({ sink, level: 'debug' }), ...(options.loginWindow ? { loginWindow: options.loginWindow } : {}) },
    {
      http,
      linkFactory: (o) => {
        const link = new FakeLink(o);
        link.autoUp = options.autoUp ?? true;
        links.push(link);
        return link;
      },
    },
  );
  const views: SessionView[] = [];
  session.onView((v) => views.push(v));
  return { clock, gws, links, session, views, sink };
}

export const CREDS = { credentials: { userName: 'agent1', password: 'pw' } };


export async function settle(clock: FakeClock): Promise<void> {
  await clock.advance(0);
  await clock.advance(0);
}
