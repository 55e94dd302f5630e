// issue 13 item 11: HTTP requests of the platform sessions carry the agent's app language as
// Accept-Language (read at each request, so a change in Settings applies to the next one); a header
// the protocol sets itself wins (ICWS-01's per-session profile language). Real sockets on 127.0.0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acceptLanguageFor } from '../../../../main/core/app-core.ts';
import { createLogger, memorySink } from '../../../../main/core/log.ts';
import { HttpSession } from '../../../../main/core/net/http-session.ts';
import { createFinesseSession } from '../../../../main/core/platforms/finesse/finesse-session.ts';
import type { PlatformContext } from '../../../../main/core/platforms/platform.ts';
import { MemoryProfileStore } from '../../../../main/core/sessions/profile-store.ts';
import { SessionManager } from '../../../../main/core/sessions/session-manager.ts';

let server: Server;
let base: string;
const seen: (string | undefined)[] = [];

beforeEach(async () => {
  seen.length = 0;
  server = createServer((req, res) => {
    seen.push(req.headers['accept-language']);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('no');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('Accept-Language from the agent setting (issue 13 item 11)', () => {
  it('HttpSession sends the current language, none when unset, and keeps a header the caller sets', async () => {
    let language: string | undefined = 'de, en;q=0.8';
    const http = new HttpSession({ profileId: 'p', acceptLanguage: () => language });
    await http.request({ url: `${base}/a` });
    await http.request({ url: `${base}/b`, headers: { 'Accept-Language': 'en-US' } });
    language = 'en';
    await http.request({ url: `${base}/c` });
    language = undefined;
    await http.request({ url: `${base}/d` });
    await new HttpSession({ profileId: 'p' }).request({ url: `${base}/e` });
    expect(seen).toEqual(['de, en;q=0.8', 'en-US', 'en', undefined, undefined]);
  });

  it('the setting maps to an Accept-Language value; following the OS sends none', () => {
    expect(acceptLanguageFor('de')).toBe('de, en;q=0.8');
    expect(acceptLanguageFor('en')).toBe('en');
    expect(acceptLanguageFor(undefined)).toBeUndefined();
  });

  it('the SessionManager hands it to the platform session: a Finesse SystemInfo request carries it', async () => {
    const profile = {
      id: 'fin',
      name: 'Finesse',
      platform: 'finesse' as const,
      servers: [base],
      authMode: 'password' as const,
      language: 'en-US',
      applicationName: 'Patchbay',
      options: { messaging: 'auto' as const, heartbeat: false, pollIntervalMs: 1000, connectionMode: 'direct' as const, rememberPassword: false },
    };
    let context: PlatformContext | undefined;
    const manager = new SessionManager({
      profiles: new MemoryProfileStore([profile]),
      factories: {
        finesse: (ctx) => {
          context = ctx;
          return createFinesseSession(ctx);
        },
      },
      log: createLogger({ sink: memorySink() }),
      acceptLanguage: () => acceptLanguageFor('de'),
    });
    await manager.signInOptions('fin').catch(() => undefined); // the stub server answers 404
    expect(context?.acceptLanguage?.()).toBe('de, en;q=0.8');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((value) => value === 'de, en;q=0.8')).toBe(true);
  });
});
