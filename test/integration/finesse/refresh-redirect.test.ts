// issue 8 item 3: the Finesse silent refresh POST (body `token=…&refresh-token=…`) answered with a
// 307/308 to another origin is refused with a typed error; the other host never sees the tokens.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../main/core/clock.ts';
import { isPatchbayError } from '../../../main/core/errors.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { finesseOptionsOf } from '../../../main/core/platforms/finesse/options.ts';
import { silentPostStrategy } from '../../../main/core/platforms/finesse/sso.ts';
import { ProfileSchema } from '../../../preload/contract.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())))));
});

async function serve(host: string, handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

describe('Finesse refresh POST and redirects [FIN-13]', () => {
  for (const status of [307, 308]) {
    it(`refuses a ${status} to another origin instead of re-sending the refresh token there [FIN-13]`, async () => {
      const bodies: string[] = [];
      const evil = await serve('127.0.0.2', (req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => (bodies.push(body), res.end('{}')));
      });
      const node = await serve('127.0.0.1', (_req, res) => {
        res.writeHead(status, { Location: `${evil}/desktop/sso/token` });
        res.end();
      });
      const profile = ProfileSchema.parse({ id: 'f', name: 'F', platform: 'finesse', servers: [node], authMode: 'sso', userName: 'agent1' });
      const strategy = silentPostStrategy({
        http: new HttpSession({ profileId: 'f', clock: systemClock }),
        clock: systemClock,
        loginWindow: undefined,
        profileId: 'f',
        options: finesseOptionsOf(profile),
        origin: () => node,
        userName: 'agent1',
        nodeHosts: [new URL(node).host],
      });
      const error = await strategy.run({ mode: 'refresh', accessToken: 'access-tok', refreshToken: 'refresh-tok', signal: new AbortController().signal, attempt: 1 }).catch((e: unknown) => e);
      expect(isPatchbayError(error) && error.code).toBe('net.credential-redirect');
      expect(String((error as Error).message)).not.toContain('refresh-tok');
      expect(bodies).toEqual([]);
    });
  }
});
