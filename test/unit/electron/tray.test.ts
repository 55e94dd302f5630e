// The tray's pure parts (model, notifications, icon) and its glue against fake Electron classes.
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { SessionState } from '../../../preload/contract.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { Listeners } from '../../../main/core/platforms/platform.ts';
import { createAgentTray, notificationFor, trayIconPng, trayModel, type TrayElectron } from '../../../main/electron/tray.ts';
import { createFakeElectron } from './fake-electron.ts';

function state(overrides: Partial<SessionState> = {}): SessionState {
  return { profileId: 'lab-icws', profileName: 'Lab ICWS', platform: 'icws', phase: 'active', selectableStates: [], seq: 1, updatedAt: '2026-01-01T09:00:00.000Z', ...overrides };
}
const available = { kind: 'ready' as const, stateId: 'Available', label: 'Available' };
const lunch = { kind: 'not-ready' as const, stateId: 'Lunch', label: 'At lunch' };

describe('trayModel', () => {
  it('shows offline and "not signed in" when no session is signed in', () => {
    expect(trayModel([])).toEqual({ icon: 'offline', tooltip: 'Patchbay — not signed in', title: '', items: [] });
    expect(trayModel([state({ phase: 'signed-out' })]).icon).toBe('offline');
  });

  it('shows the agent state label and kind of a single active session', () => {
    const model = trayModel([state({ agent: available })]);
    expect(model).toEqual({ icon: 'ready', tooltip: 'Patchbay\nLab ICWS — Available', title: 'Available', items: [{ profileId: 'lab-icws', label: 'Lab ICWS — Available' }] });
    expect(trayModel([state({ agent: lunch })]).icon).toBe('not-ready');
    expect(trayModel([state({ agent: { kind: 'busy', stateId: 'OnCall', label: 'On a call' } })]).icon).toBe('busy');
  });

  it('lets the worst session decide the icon when several are signed in', () => {
    const sessions = [state({ agent: available }), state({ profileId: 'fin', profileName: 'Finesse', platform: 'finesse', phase: 'reconnecting' })];
    const model = trayModel(sessions);
    expect(model.icon).toBe('reconnecting');
    expect(model.title).toBe('Reconnecting… (+1)');
    expect(model.items.map((i) => i.label)).toEqual(['Lab ICWS — Available', 'Finesse — Reconnecting…']);
    expect(trayModel([...sessions, state({ profileId: 'x', profileName: 'X', phase: 'failed' })]).icon).toBe('failed');
  });

  it('never puts an error message in the tooltip', () => {
    const model = trayModel([state({ phase: 'failed', lastError: { code: 'icws.connect.rejected', message: 'server said SECRET-DETAIL', action: 'sign-in-again' } })]);
    expect(JSON.stringify(model)).not.toContain('SECRET-DETAIL');
    expect(model.tooltip).toBe('Patchbay\nLab ICWS — Disconnected');
  });
});

describe('notificationFor', () => {
  it('announces a dropped connection when an active session starts reconnecting', () => {
    expect(notificationFor(state({ agent: available }), state({ phase: 'reconnecting' }))).toEqual({ title: 'Lab ICWS: connection lost', body: expect.stringContaining('reconnecting') });
  });

  it('announces a session that fails after being connected, with what to do and no error text', () => {
    const note = notificationFor(state({ phase: 'reconnecting' }), state({ phase: 'failed', lastError: { code: 'icws.session.expired', message: 'token=abc.def', action: 'sign-in-again' } }));
    expect(note?.title).toBe('Lab ICWS: disconnected');
    expect(note?.body).toContain('sign in again');
    expect(JSON.stringify(note)).not.toContain('token=');
  });

  it('announces a session that is back after reconnecting', () => {
    expect(notificationFor(state({ phase: 'reconnecting' }), state({ agent: available }))).toEqual({ title: 'Lab ICWS: back online', body: 'Connected again — Available.' });
  });

  it('says nothing for what the agent did (sign-in, state change, failed sign-in, sign-out)', () => {
    expect(notificationFor(undefined, state({ phase: 'signing-in' }))).toBeUndefined();
    expect(notificationFor(state({ phase: 'signing-in' }), state({ agent: available }))).toBeUndefined();
    expect(notificationFor(state({ agent: available }), state({ agent: lunch }))).toBeUndefined();
    expect(notificationFor(state({ phase: 'signing-in' }), state({ phase: 'failed' }))).toBeUndefined();
    expect(notificationFor(state({ agent: available }), state({ phase: 'signed-out' }))).toBeUndefined();
    expect(notificationFor(state({ phase: 'reconnecting' }), state({ phase: 'reconnecting', seq: 2 }))).toBeUndefined();
  });
});

describe('trayIconPng', () => {
  it('writes a valid RGBA PNG of the asked size with a transparent corner and an opaque centre', () => {
    const png = trayIconPng('ready', 16);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(16);
    expect(png.readUInt32BE(20)).toBe(16);
    const idatLength = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString('ascii')).toBe('IDAT');
    const pixels = inflateSync(png.subarray(41, 41 + idatLength));
    expect(pixels).toHaveLength(16 * (1 + 16 * 4));
    const rowBytes = 1 + 16 * 4;
    expect(pixels[1 + 3]).toBe(0); // corner alpha
    expect([...pixels.subarray(8 * rowBytes + 1 + 8 * 4, 8 * rowBytes + 1 + 8 * 4 + 4)]).toEqual([0x2e, 0xa0, 0x43, 255]);
  });
});

describe('createAgentTray', () => {
  async function setup(initial: SessionState[] = []) {
    const fake = createFakeElectron();
    const stateEvents = new Listeners<SessionState>();
    let shown = 0;
    let quit = 0;
    const tray = createAgentTray(fake.module as unknown as TrayElectron, {
      manager: { stateEvents, listSessions: async () => initial },
      log: createLogger({ sink: memorySink() }),
      show: () => void (shown += 1),
      quit: () => void (quit += 1),
      platform: 'linux',
    });
    await Promise.resolve();
    await Promise.resolve();
    const fakeTray = fake.trays[0]!;
    const menu = () => (fakeTray.menu as { template: { label?: string; click?: () => void; enabled?: boolean }[] }).template;
    return { fake, tray, fakeTray, stateEvents, menu, counts: () => ({ shown, quit }) };
  }

  it('shows the sessions the manager already has, with Show and Quit in the menu', async () => {
    const { fakeTray, menu, counts } = await setup([state({ agent: available })]);
    expect(fakeTray.tooltip).toBe('Patchbay\nLab ICWS — Available');
    expect(menu().map((i) => i.label)).toEqual(['Show Patchbay', undefined, 'Lab ICWS — Available', undefined, 'Quit Patchbay']);
    expect(menu()[2]?.enabled).toBe(false);
    menu()[0]?.click?.();
    menu()[4]?.click?.();
    fakeTray.emit('click');
    expect(counts()).toEqual({ shown: 2, quit: 1 });
  });

  it('follows state events and raises one OS notification when a session drops and one when it is back', async () => {
    const { fake, fakeTray, stateEvents, tray } = await setup();
    expect(fakeTray.tooltip).toBe('Patchbay — not signed in');
    stateEvents.emit(state({ agent: available }));
    stateEvents.emit(state({ phase: 'reconnecting', seq: 2 }));
    expect(tray.model().icon).toBe('reconnecting');
    expect(fakeTray.tooltip).toBe('Patchbay\nLab ICWS — Reconnecting…');
    stateEvents.emit(state({ agent: available, seq: 3 }));
    expect(fake.notifications).toEqual([
      { title: 'Lab ICWS: connection lost', body: expect.any(String), shown: true },
      { title: 'Lab ICWS: back online', body: 'Connected again — Available.', shown: true },
    ]);
    tray.dispose();
    tray.dispose();
    expect(fakeTray.destroyed).toBe(true);
    stateEvents.emit(state({ phase: 'reconnecting', seq: 4 }));
    expect(fake.notifications).toHaveLength(2);
  });
});

describe('notificationFor: the sign-in ends soon (issue 9 item 5)', () => {
  it('tells the agent once, with the time, when the session card gets a sign-in deadline [FIN-14]', () => {
    const by = '2026-01-01T09:05:00.000Z';
    const before = state({ agent: available, token: { expiresAt: '2026-01-01T09:30:00.000Z' } });
    const warned = state({ agent: available, token: { expiresAt: '2026-01-01T09:30:00.000Z', signInBy: by } });
    const note = notificationFor(before, warned);
    expect(note?.title).toBe('Lab ICWS: sign in again soon');
    expect(note?.body).toContain(new Date(by).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }));
    // Same deadline again (a later snapshot): no second notification.
    expect(notificationFor(warned, state({ ...warned, seq: 2 }))).toBeUndefined();
  });
});
