// "Export diagnostics" contains no secret (issue 5): sign in to the lab ICWS with a known password
// through the booted core (settings + IT policy + log files), change status, export through the
// contract command, unzip, and look for the password, the session cookie value, the CSRF token and
// the proxy password in every file — and in the data directory the app wrote.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIcwsServer, type IcwsLabServer } from '../../../lab/index.ts';
import { defaultUsers } from '../../../lab/icws/fixture.ts';
import { bootCore, type BootedCore } from '../../../main/core/app-core.ts';
import { memorySink } from '../../../main/core/log.ts';
import { MemorySecretStore } from '../../../main/core/secrets/secret-store.ts';
import { startForwardProxy, type ForwardProxy } from '../proxy/forward-proxy.ts';
import { testDataDir } from './test-data.ts';

const PASSWORD = defaultUsers().find((u) => u.userId === 'agent1')!.password;
const PROXY_PASSWORD = 'proxy-secret-Zq81';

/** A reverse proxy in front of the lab that writes down the secrets the server hands out. */
async function recordingRelay(target: string): Promise<{ url: string; seen: Set<string>; close(): Promise<void> }> {
  const seen = new Set<string>();
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      const csrf = up.headers['inin-icws-csrf-token'];
      if (typeof csrf === 'string') seen.add(csrf);
      for (const cookie of up.headers['set-cookie'] ?? []) {
        const value = /^[^=]+=([^;]+)/.exec(cookie)?.[1];
        if (value) seen.add(value);
      }
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let lab: IcwsLabServer;
let relay: Awaited<ReturnType<typeof recordingRelay>>;
let proxy: ForwardProxy;
let core: BootedCore;
let dataDir: string;
let zipPath: string;
let policyDir: string;
let files: Record<string, string>;

beforeAll(async () => {
  lab = await startIcwsServer({ ssePingIntervalMs: 200 });
  relay = await recordingRelay(lab.url);
  proxy = await startForwardProxy();
  dataDir = testDataDir('diagnostics-export');
  // IT's file lives outside the user's data directory (it holds the proxy password).
  policyDir = mkdtempSync(join(tmpdir(), 'pb-policy-'));
  const policyFile = join(policyDir, 'policy.json');
  writeFileSync(
    policyFile,
    JSON.stringify({ proxy: { url: proxy.url.replace('http://', `http://it-proxy:${PROXY_PASSWORD}@`) }, logLevel: 'debug', telemetry: 'on' }),
  );
  core = await bootCore({
    dataDir,
    shell: 'browser-shell',
    appVersion: '9.9.9-test',
    env: { PATCHBAY_POLICY_FILE: policyFile },
    console: memorySink(),
    openSecrets: async () => ({ store: new MemorySecretStore() }),
  });
  const saved = await core.handler('profiles.save', {
    profile: { id: 'diag-icws', name: 'Diagnostics ICWS', platform: 'icws', servers: [relay.url], authMode: 'password', userName: 'agent1', options: { messaging: 'sse' } },
  });
  expect(saved.ok).toBe(true);
  const signedIn = await core.handler('session.signIn', { profileId: 'diag-icws', credentials: { userName: 'agent1', password: PASSWORD } });
  expect(signedIn, JSON.stringify(signedIn)).toMatchObject({ ok: true, value: { phase: 'active' } });
  expect(await core.handler('agent.setState', { profileId: 'diag-icws', stateId: 'Away from desk' })).toMatchObject({ ok: true });
  const exported = await core.handler('diagnostics.export', {});
  expect(exported.ok).toBe(true);
  zipPath = (exported as { value: { path: string } }).value.path;
  files = Object.fromEntries(Object.entries(unzipSync(readFileSync(zipPath))).map(([name, bytes]) => [name, strFromU8(bytes)]));
  await core.handler('session.signOut', { profileId: 'diag-icws' });
});

afterAll(async () => {
  await core?.close();
  await relay?.close();
  await proxy?.close();
  await lab?.close();
  if (policyDir) rmSync(policyDir, { recursive: true, force: true });
});

function secrets(): string[] {
  // The cookie value and CSRF token the server really issued to this session (caught on the wire).
  expect(relay.seen.size).toBeGreaterThanOrEqual(2);
  return [PASSWORD, PROXY_PASSWORD, ...relay.seen];
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

describe('Export diagnostics', () => {
  it('writes a zip under <data dir>/diagnostics with every part', () => {
    expect(zipPath.startsWith(join(dataDir, 'diagnostics'))).toBe(true);
    expect(Object.keys(files).sort()).toEqual(
      ['README.txt', 'about.json', 'effective.json', 'logs/patchbay.log', 'policy.json', 'sessions.json', 'settings.json', 'traces.json', 'transitions.json'].sort(),
    );
    const about = JSON.parse(files['about.json']!) as { version: string; shell: string; versions: { node: string }; os: { platform: string }; secretsBackend: string };
    expect(about).toMatchObject({ version: '9.9.9-test', shell: 'browser-shell', versions: { node: process.versions.node }, os: { platform: process.platform }, secretsBackend: 'memory' });
  });

  it('holds the session-state transitions of the sign-in and the status change', () => {
    const transitions = JSON.parse(files['transitions.json']!) as { profileId: string; phase: string; agentState?: string }[];
    const mine = transitions.filter((t) => t.profileId === 'diag-icws');
    expect(mine.map((t) => t.phase)).toContain('signing-in');
    expect(mine.some((t) => t.phase === 'active' && t.agentState === 'Away from desk')).toBe(true);
  });

  it('holds the redacted policy with its rejected keys and the network set-up', () => {
    const policy = JSON.parse(files['policy.json']!) as { rejected: { key: string }[]; applied: { proxy: { url: string } } };
    expect(policy.rejected).toEqual([{ key: 'telemetry', reason: 'unknown policy key' }]);
    expect(policy.applied.proxy.url).toMatch(/^http:\/\/it-proxy:\[redacted\]@127\.0\.0\.1:\d+$/);
    const effective = JSON.parse(files['effective.json']!) as { network: { proxy: { mode: string } } };
    expect(effective.network.proxy.mode).toBe('explicit');
  });

  it('contains no password, cookie value, CSRF token or proxy password in any file [CARD-02]', () => {
    for (const [name, text] of Object.entries(files)) {
      for (const secret of secrets()) expect(text.includes(secret), `${name} contains a secret`).toBe(false);
    }
  });

  it('left no secret in the data directory (settings, logs, zip) either', () => {
    const zipped = readFileSync(zipPath).toString('latin1');
    for (const path of walk(dataDir)) {
      const text = readFileSync(path).toString('utf8');
      for (const secret of secrets()) expect(text.includes(secret), `${path} contains a secret`).toBe(false);
    }
    expect(zipped.includes(PASSWORD)).toBe(false);
    expect(readFileSync(join(dataDir, 'logs', 'patchbay.log'), 'utf8')).toContain('"event":"session.transition"');
  });
});
