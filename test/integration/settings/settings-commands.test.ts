// The Settings panel's commands through the real start-up (bootCore): an IT policy that locks the
// proxy makes settings.save refuse it with a typed Result, while the agent's other settings save to
// the settings file and are read back by the next start.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootCore, type BootedCore } from '../../../main/core/app-core.ts';
import { memorySink } from '../../../main/core/log.ts';
import { MemorySecretStore } from '../../../main/core/secrets/secret-store.ts';
import { testDataDir } from '../diagnostics/test-data.ts';

let policyDir: string;
const booted: BootedCore[] = [];

async function boot(policyFile: string, dataDir: string): Promise<BootedCore> {
  const core = await bootCore({
    dataDir,
    shell: 'browser-shell',
    appVersion: '0.0.0-test',
    env: { PATCHBAY_POLICY_FILE: policyFile },
    console: memorySink(),
    openSecrets: async () => ({ store: new MemorySecretStore() }),
  });
  booted.push(core);
  return core;
}

beforeAll(() => {
  policyDir = mkdtempSync(join(tmpdir(), 'pb-settings-policy-'));
});

afterAll(async () => {
  for (const core of booted) await core.close();
  rmSync(policyDir, { recursive: true, force: true });
});

describe('settings commands through bootCore', () => {
  it('refuses the proxy IT locks, saves the rest, and the next start reads it back', async () => {
    const policyFile = join(policyDir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ proxy: { url: 'http://127.0.0.1:3128', noProxy: 'localhost' } }));
    const dataDir = testDataDir('settings-commands');
    const core = await boot(policyFile, dataDir);

    const view = await core.handler('settings.get', {});
    expect(view).toEqual({
      ok: true,
      value: { settings: { logLevel: 'info', network: { proxy: 'http://127.0.0.1:3128', noProxy: 'localhost' }, updates: { enabled: true } }, locked: ['network.proxy', 'network.noProxy'] },
    });

    const refused = await core.handler('settings.save', { network: { proxy: 'http://127.0.0.1:8080' } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'settings.locked', action: 'none' } });
    expect(core.settings.get().network.proxy).toBeUndefined();

    const saved = await core.handler('settings.save', { logLevel: 'debug', network: { caBundle: '/etc/ssl/certs/corp-ca.pem' }, updates: { enabled: false } });
    expect(saved).toMatchObject({ ok: true, value: { settings: { logLevel: 'debug', network: { caBundle: '/etc/ssl/certs/corp-ca.pem' }, updates: { enabled: false } } } });
    expect(JSON.parse(readFileSync(core.settings.path, 'utf8'))).toMatchObject({ logLevel: 'debug', network: { caBundle: '/etc/ssl/certs/corp-ca.pem' }, updates: { enabled: false } });

    await core.close();
    booted.splice(booted.indexOf(core), 1);
    const again = await boot(policyFile, dataDir);
    expect(again.settings.get()).toMatchObject({ logLevel: 'debug', updates: { enabled: false } });
    expect(again.effective.updates.enabled).toBe(false);
  });
});
