// bindIpc (main/electron/ipc.ts) with a fake ipcMain and fake windows; the SessionManager and the
// command handler are the real core ones.
import { describe, expect, it, vi } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, ProfileSchema, type Result } from '../../../preload/contract.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { createCommandHandler, type CommandHandler } from '../../../main/core/sessions/command-handler.ts';
import { MemoryProfileStore } from '../../../main/core/sessions/profile-store.ts';
import { SessionManager } from '../../../main/core/sessions/session-manager.ts';
import { bindIpc, type IpcMainLike, type WindowLike } from '../../../main/electron/ipc.ts';
import { APP_ORIGIN } from '../../../main/electron/policy.ts';

type InvokeListener = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<Result<unknown>>;

class FakeIpcMain {
  readonly handlers = new Map<string, InvokeListener>();
  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(frameUrl: string | null, command: unknown, args: unknown): Promise<Result<unknown>> {
    const listener = this.handlers.get(IPC_INVOKE_CHANNEL);
    if (!listener) throw new Error('no handler');
    const event = { senderFrame: frameUrl === null ? null : { url: frameUrl } } as unknown as IpcMainInvokeEvent;
    return listener(event, command, args);
  }
}

function fakeWindow(url: string, options: { destroyed?: boolean; sendThrows?: boolean } = {}) {
  const send = vi.fn((_channel: string, _frame: unknown) => {
    if (options.sendThrows) throw new Error('An object could not be cloned.');
  });
  const window = {
    isDestroyed: () => options.destroyed ?? false,
    webContents: { isDestroyed: () => false, getURL: () => url, send },
  };
  return { window: window as unknown as WindowLike, send };
}

const PROFILE = ProfileSchema.parse({
  id: 'lab-icws',
  name: 'Lab ICWS',
  platform: 'icws',
  servers: ['http://127.0.0.1:8019'],
  authMode: 'password',
  userName: 'agent1',
});
const APP_URL = `${APP_ORIGIN}/index.html`;

function setup(options: { handler?: CommandHandler; windows?: WindowLike[] } = {}) {
  const sink = memorySink();
  const log = createLogger({ sink, level: 'debug' });
  const manager = new SessionManager({ profiles: new MemoryProfileStore([PROFILE]), factories: {}, log });
  const realHandler = createCommandHandler(manager, log);
  const handler = vi.fn(options.handler ?? realHandler);
  const ipcMain = new FakeIpcMain();
  const windows = options.windows ?? [];
  const unbind = bindIpc(ipcMain as unknown as IpcMainLike, handler, manager, () => windows, log);
  return { sink, manager, handler, ipcMain, unbind };
}

describe('bindIpc: commands', () => {
  it('answers a command from the app frame through the command handler', async () => {
    const { ipcMain, handler } = setup();
    const result = await ipcMain.invoke(APP_URL, 'profiles.list', {});
    expect(result).toEqual({ ok: true, value: [PROFILE] });
    expect(handler).toHaveBeenCalledWith('profiles.list', {});
  });

  it('refuses a frame from another origin with contract.untrusted-sender and never runs the command', async () => {
    const { ipcMain, handler, sink } = setup();
    const result = await ipcMain.invoke('https://idp.example/login?code=abc', 'session.signIn', {
      profileId: 'lab-icws',
      credentials: { userName: 'agent1', password: 'hunter2-secret' },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'contract.untrusted-sender' } });
    expect(handler).not.toHaveBeenCalled();
    const entry = sink.entries.find((e) => e.event === 'ipc.untrusted-sender');
    expect(entry).toMatchObject({ level: 'warn', command: 'session.signIn', origin: 'https://idp.example' });
    // Neither the password nor the URL's query reaches the log.
    expect(JSON.stringify(sink.entries)).not.toMatch(/hunter2-secret|code=abc/);
  });

  it('refuses a request whose sender frame is gone or has no URL', async () => {
    const { ipcMain, handler } = setup();
    expect(await ipcMain.invoke(null, 'profiles.list', {})).toMatchObject({ ok: false, error: { code: 'contract.untrusted-sender' } });
    expect(await ipcMain.invoke('', 'profiles.list', {})).toMatchObject({ ok: false, error: { code: 'contract.untrusted-sender' } });
    expect(await ipcMain.invoke('file:///app/index.html', 'profiles.list', {})).toMatchObject({ ok: false, error: { code: 'contract.untrusted-sender' } });
    expect(handler).not.toHaveBeenCalled();
  });

  it('returns the contract validation error when the arguments are wrong', async () => {
    const { ipcMain } = setup();
    const result = await ipcMain.invoke(APP_URL, 'profiles.remove', { profileId: 'Not Valid!' });
    expect(result).toMatchObject({ ok: false, error: { code: 'contract.invalid-arguments' } });
  });

  it('returns contract.unknown-command when the command is not a string', async () => {
    const { ipcMain } = setup();
    expect(await ipcMain.invoke(APP_URL, { toString: () => 'profiles.list' }, {})).toMatchObject({
      ok: false,
      error: { code: 'contract.unknown-command' },
    });
  });

  it('resolves internal.unexpected instead of rejecting when the handler throws', async () => {
    const { ipcMain, sink } = setup({
      handler: async () => {
        throw new Error('boom');
      },
    });
    await expect(ipcMain.invoke(APP_URL, 'profiles.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'internal.unexpected' } });
    expect(sink.entries.some((e) => e.event === 'ipc.handler-threw')).toBe(true);
  });
});

describe('bindIpc: events', () => {
  it('forwards each session.state snapshot to every app window', async () => {
    const a = fakeWindow(APP_URL);
    const b = fakeWindow(`${APP_ORIGIN}/index.html#/settings`);
    const { manager } = setup({ windows: [a.window, b.window] });
    await manager.saveProfile({ ...PROFILE, name: 'Renamed' });
    for (const { send } of [a, b]) {
      expect(send).toHaveBeenCalledTimes(1);
      const [channel, frame] = send.mock.calls[0] ?? [];
      expect(channel).toBe(IPC_EVENT_CHANNEL);
      expect(frame).toMatchObject({ event: 'session.state', payload: { profileId: 'lab-icws', profileName: 'Renamed', phase: 'signed-out' } });
    }
  });

  it('forwards notices as notice frames', () => {
    const a = fakeWindow(APP_URL);
    const { manager } = setup({ windows: [a.window] });
    manager.notices.emit({ level: 'warning', message: 'Token expires soon', profileId: 'lab-icws' });
    expect(a.send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, {
      event: 'notice',
      payload: { level: 'warning', message: 'Token expires soon', profileId: 'lab-icws' },
    });
  });

  it('skips destroyed windows and windows showing another origin', () => {
    const gone = fakeWindow(APP_URL, { destroyed: true });
    const foreign = fakeWindow('https://idp.example/login');
    const app = fakeWindow(APP_URL);
    const { manager } = setup({ windows: [gone.window, foreign.window, app.window] });
    manager.notices.emit({ level: 'info', message: 'hello' });
    expect(gone.send).not.toHaveBeenCalled();
    expect(foreign.send).not.toHaveBeenCalled();
    expect(app.send).toHaveBeenCalledTimes(1);
  });

  it('keeps forwarding to the other windows when one send throws', () => {
    const broken = fakeWindow(APP_URL, { sendThrows: true });
    const ok = fakeWindow(APP_URL);
    const { manager, sink } = setup({ windows: [broken.window, ok.window] });
    expect(() => manager.notices.emit({ level: 'info', message: 'hello' })).not.toThrow();
    expect(ok.send).toHaveBeenCalledTimes(1);
    expect(sink.entries.some((e) => e.event === 'ipc.forward-failed')).toBe(true);
  });

  it('stops answering and forwarding after unbind', async () => {
    const a = fakeWindow(APP_URL);
    const { manager, ipcMain, unbind } = setup({ windows: [a.window] });
    unbind();
    expect(ipcMain.handlers.has(IPC_INVOKE_CHANNEL)).toBe(false);
    manager.notices.emit({ level: 'info', message: 'after unbind' });
    expect(a.send).not.toHaveBeenCalled();
  });
});
