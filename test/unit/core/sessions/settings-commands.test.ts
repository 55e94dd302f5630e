// settings.get / settings.save through the contract's command handler: locked keys come back as
// typed Results, values are validated, and a proxy password never reaches the renderer.
import { describe, expect, it } from 'vitest';
import { SettingsViewSchema } from '../../../../preload/contract.ts';
import { createLogger, memorySink } from '../../../../main/core/log.ts';
import { createCommandHandler } from '../../../../main/core/sessions/command-handler.ts';
import { MemoryProfileStore } from '../../../../main/core/sessions/profile-store.ts';
import { SessionManager } from '../../../../main/core/sessions/session-manager.ts';
import { emptyPolicy, type Policy } from '../../../../main/core/settings/policy.ts';
import { defaultSettings, SettingsSchema, type Settings } from '../../../../main/core/settings/schema.ts';
import type { SettingsStore } from '../../../../main/core/settings/settings-store.ts';
import { settingsCommands } from '../../../../main/core/settings/settings-view.ts';

function memoryStore(initial: Settings = defaultSettings()): SettingsStore & { writes: number } {
  let current = initial;
  const store = {
    path: '/memory/settings.json',
    writes: 0,
    get: () => current,
    update: async (change: (s: Settings) => Settings) => {
      current = SettingsSchema.parse(change(current));
      store.writes += 1;
      return current;
    },
  };
  return store;
}

function setup(policy: Policy = emptyPolicy(), initial?: Settings) {
  const log = createLogger({ sink: memorySink() });
  const manager = new SessionManager({ profiles: new MemoryProfileStore([]), factories: {}, log });
  const store = memoryStore(initial);
  return { store, handler: createCommandHandler(manager, log, { settings: settingsCommands(store, policy) }) };
}

describe('settings commands', () => {
  it('returns the defaults with nothing locked when there is no policy', async () => {
    const { handler } = setup();
    const result = await handler('settings.get', {});
    expect(result).toEqual({ ok: true, value: { settings: { logLevel: 'info', network: {}, updates: { enabled: true } }, locked: [] } });
  });

  it('saves a change and returns the new view', async () => {
    const { handler, store } = setup();
    const result = await handler('settings.save', { logLevel: 'debug', network: { proxy: 'http://proxy.example.com:3128', noProxy: '.corp.example' }, updates: { enabled: false } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(SettingsViewSchema.parse(result.value).settings).toEqual({
      logLevel: 'debug',
      network: { proxy: 'http://proxy.example.com:3128', noProxy: '.corp.example' },
      updates: { enabled: false },
    });
    expect(store.get().network.proxy).toBe('http://proxy.example.com:3128');
  });

  it('clears a network value saved as null', async () => {
    const { handler, store } = setup(emptyPolicy(), { ...defaultSettings(), network: { caBundle: '/etc/ssl/corp.pem' } });
    const result = await handler('settings.save', { network: { caBundle: null } });
    expect(result.ok).toBe(true);
    expect(store.get().network.caBundle).toBeUndefined();
  });

  it('refuses a key the IT policy locks with settings.locked and writes nothing', async () => {
    const policy = { ...emptyPolicy(), proxy: { url: 'http://it-proxy.example.com:8080' } };
    const { handler, store } = setup(policy);
    const view = await handler('settings.get', {});
    expect(view.ok && view.value).toMatchObject({ settings: { network: { proxy: 'http://it-proxy.example.com:8080' } }, locked: ['network.proxy', 'network.noProxy'] });
    const result = await handler('settings.save', { network: { proxy: 'http://mine.example.com:3128' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('settings.locked');
    expect(result.error.message).toContain('network.proxy');
    expect(store.writes).toBe(0);
  });

  it('names the field when a value is invalid (settings.invalid)', async () => {
    const { handler, store } = setup();
    const result = await handler('settings.save', { network: { caBundle: 'relative/ca.pem' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'settings.invalid' } });
    if (result.ok) return;
    expect(result.error.message).toMatch(/network\.caBundle: Use an absolute path/);
    expect(store.writes).toBe(0);
  });

  it('rejects an unknown key in the patch (strict contract schema)', async () => {
    const { handler } = setup();
    const result = await handler('settings.save', { network: { proxyPassword: 'x' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'contract.invalid-arguments' } });
  });

  it('masks a proxy password in the view', async () => {
    const { handler } = setup(emptyPolicy(), { ...defaultSettings(), network: { proxy: 'http://agent:hunter2@proxy.example.com:3128' } });
    const result = await handler('settings.get', {});
    expect(JSON.stringify(result)).not.toContain('hunter2');
    expect(result.ok && result.value).toMatchObject({ settings: { network: { proxy: expect.stringContaining('proxy.example.com:3128') } } });
  });

  it('answers settings.unavailable when the shell gave no settings', async () => {
    const log = createLogger({ sink: memorySink() });
    const handler = createCommandHandler(new SessionManager({ profiles: new MemoryProfileStore([]), factories: {}, log }), log);
    expect(await handler('settings.get', {})).toMatchObject({ ok: false, error: { code: 'settings.unavailable' } });
  });
});
