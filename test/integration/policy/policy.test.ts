// IT policy through the real start-up (bootCore, as `patchbay start` and Electron run it):
// preconfigured read-only profiles, locked fields, updates off, CA bundle, log level — and an
// invalid policy that still applies its valid parts and reports the rest (issue 5 "IT policy").
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootCore, type BootedCore } from '../../../main/core/app-core.ts';
import { memorySink } from '../../../main/core/log.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { MemorySecretStore } from '../../../main/core/secrets/secret-store.ts';
import { testDataDir } from '../diagnostics/test-data.ts';
import { makeTestPki, type TestPki } from '../tls/test-pki.ts';
import { startHttpsServer, type TestServer } from '../tls/servers.ts';

let pki: TestPki;
let server: TestServer;
let policyDir: string;
const booted: BootedCore[] = [];

const corp = { id: 'corp-icws', name: 'Corp PureConnect', platform: 'icws', servers: ['https://ic1.corp.example.com:8019'], authMode: 'sso' };
const own = { id: 'mine', name: 'Mine', platform: 'icws', servers: ['https://ic1.corp.example.com:8019'], authMode: 'sso', userName: 'agent1' };

function writePolicy(name: string, content: string): string {
  const path = join(policyDir, name);
  writeFileSync(path, content);
  return path;
}

async function boot(policyFile: string | undefined, dataDir = testDataDir('policy')): Promise<BootedCore> {
  const core = await bootCore({
    dataDir,
    shell: 'browser-shell',
    appVersion: '0.0.0-test',
    env: policyFile ? { PATCHBAY_POLICY_FILE: policyFile } : { PATCHBAY_POLICY_FILE: join(policyDir, 'absent.json') },
    console: memorySink(),
    openSecrets: async () => ({ store: new MemorySecretStore() }),
  });
  booted.push(core);
  return core;
}

beforeAll(async () => {
  pki = makeTestPki();
  server = await startHttpsServer(pki.server);
  policyDir = mkdtempSync(join(tmpdir(), 'pb-policy-'));
});

afterAll(async () => {
  for (const core of booted) await core.close();
  await server?.close();
  pki?.remove();
  rmSync(policyDir, { recursive: true, force: true });
});

describe('IT policy at start-up', () => {
  it('an installed app (packaged) does not read the policy file PATCHBAY_POLICY_FILE names', async () => {
    const file = writePolicy('agent-made.json', JSON.stringify({ allowUserProfiles: true, logLevel: 'debug', rememberPassword: true }));
    const core = await bootCore({
      dataDir: testDataDir('policy-packaged'),
      shell: 'electron',
      appVersion: '0.0.0-test',
      packaged: true,
      platform: 'linux',
      env: { PATCHBAY_POLICY_FILE: file },
      console: memorySink(),
      openSecrets: async () => ({ store: new MemorySecretStore() }),
    });
    booted.push(core);
    expect(core.policy.path).toBe('/etc/patchbay/policy.json');
    expect(core.policy.policy.rememberPassword).not.toBe(true);
  });

  it('shows IT profiles read-only, enforces locked fields, turns updates off, trusts the IT CA and logs at its level', async () => {
    const file = writePolicy(
      'full.json',
      JSON.stringify({
        profiles: [corp],
        profileDefaults: { servers: ['https://ic1.corp.example.com:8019'], authMode: 'sso' },
        lockedProfileFields: ['servers', 'authMode'],
        updates: { enabled: false },
        caBundle: pki.caPath,
        logLevel: 'warn',
      }),
    );
    const core = await boot(file);
    expect(core.policy).toMatchObject({ found: true, rejected: [] });
    expect(core.manager.stickyNotices()).toEqual([]);

    const list = await core.handler('profiles.list', {});
    expect(list).toMatchObject({ ok: true, value: [{ id: 'corp-icws', name: 'Corp PureConnect' }] });
    expect(await core.handler('profiles.save', { profile: { ...corp, name: 'Renamed' } })).toMatchObject({ ok: false, error: { code: 'profiles.read-only' } });
    expect(await core.handler('profiles.remove', { profileId: 'corp-icws' })).toMatchObject({ ok: false, error: { code: 'profiles.read-only' } });
    expect(await core.handler('profiles.save', { profile: { ...own, servers: ['https://elsewhere.example.com'] } })).toEqual({
      ok: false,
      error: { code: 'profiles.locked-field', message: 'servers is set by your IT department and cannot be changed.', action: 'none' },
    });
    expect(await core.handler('profiles.save', { profile: own })).toMatchObject({ ok: true });
    expect(core.settings.get().profiles.map((p) => p.id)).toEqual(['mine']);

    expect(core.effective.updates.enabled).toBe(false);
    expect(core.effective.locked).toEqual(expect.arrayContaining(['updates.enabled', 'network.caBundle', 'logLevel']));

    // Every adapter request goes through this dispatcher: it trusts the IT CA.
    const http = new HttpSession({ profileId: 'corp-icws', dispatcher: core.network.dispatcher, timeoutMs: 5_000 });
    expect((await http.request({ url: `${server.url}/` })).status).toBe(200);

    core.log.info('test.info-line');
    core.log.warn('test.warn-line');
    const logText = readFileSync(core.logFiles.files()[0]!, 'utf8');
    expect(logText).toContain('test.warn-line');
    expect(logText).not.toContain('"level":"info"');
  });

  it('applies the valid parts of an invalid policy and names each rejected key with its reason, once', async () => {
    const file = writePolicy('partial.json', JSON.stringify({ profiles: [corp, { ...corp, id: 'broken', servers: [] }], proxy: { url: 'socks5://proxy:1080' }, logLevel: 'info', bogus: true }));
    const core = await boot(file);
    const ids = ((await core.handler('profiles.list', {})) as { value: { id: string }[] }).value.map((p) => p.id);
    expect(ids).toEqual(['corp-icws']);
    expect(core.policy.rejected.map((r) => r.key).sort()).toEqual(['bogus', 'profiles[1] (broken)', 'proxy']);
    const notices = core.manager.stickyNotices();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.message).toMatch(/proxy: .*Use a proxy address/);
    expect(notices[0]?.message).toMatch(/profiles\[1\] \(broken\): servers: At least one server is required/);
    expect(notices[0]?.message).toMatch(/bogus: unknown policy key/);
    expect(core.network.description.proxy.mode).toBe('none');
  });

  it('applies nothing from a policy with a syntax error, and says so', async () => {
    const core = await boot(writePolicy('broken.json', '{ "logLevel": "warn", '));
    expect(core.policy.policy.logLevel).toBeUndefined();
    expect(core.manager.stickyNotices()[0]?.message).toMatch(/\(file\): not valid JSON .*no part of the policy was applied/);
  });

  it('starts quietly without a policy file', async () => {
    const core = await boot(undefined);
    expect(core.policy.found).toBe(false);
    expect(core.manager.stickyNotices()).toEqual([]);
    expect(core.effective.locked).toEqual([]);
  });

  it('reports an unreadable IT CA bundle once and keeps the OS trust store', async () => {
    const core = await boot(writePolicy('missing-ca.json', JSON.stringify({ caBundle: join(policyDir, 'nope.pem') })));
    const notices = core.manager.stickyNotices();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.message).toMatch(/policy key "caBundle" cannot be read \(ENOENT\)/);
  });

  it('reports a corrupt settings file once, keeping it aside, and starts with defaults', async () => {
    const dataDir = testDataDir('policy-corrupt-settings');
    writeFileSync(join(dataDir, 'settings.json'), '{ nope');
    const core = await boot(undefined, dataDir);
    const notices = core.manager.stickyNotices();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.message).toMatch(/settings file could not be read.*settings\.corrupt-/);
    expect(core.settings.get().profiles).toEqual([]);
  });
});

describe('environment proxy at start-up', () => {
  it('goes direct and says so once when HTTPS_PROXY is not an http(s) address', async () => {
    const core = await bootCore({
      dataDir: testDataDir('policy-env-proxy'),
      shell: 'browser-shell',
      appVersion: '0.0.0-test',
      env: { PATCHBAY_POLICY_FILE: join(policyDir, 'absent.json'), HTTPS_PROXY: 'socks5://127.0.0.1:1080' },
      console: memorySink(),
      openSecrets: async () => ({ store: new MemorySecretStore() }),
    });
    booted.push(core);
    expect(core.network.description.proxy.mode).toBe('direct');
    expect(core.loginWindowProxy).toEqual({ proxyRules: 'direct://', proxyBypassRules: '' });
    expect(core.manager.stickyNotices().map((n) => n.message)).toEqual([expect.stringMatching(/proxy address .* is not an http\(s\) address\. Patchbay connects directly instead\./)]);
  });
});
