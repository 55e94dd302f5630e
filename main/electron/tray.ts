// The tray icon with the agent's state and the OS notifications (DESIGN.md "Shells: tray with
// agent state; OS notifications"). trayModel / notificationFor are pure (unit-tested under plain
// Node); createAgentTray is the Electron glue, fed by SessionManager.stateEvents. Only profile names,
// phases and state labels are shown — never an error text, server reply or anything secret.
import { crc32, deflateSync } from 'node:zlib';
import type { Phase, SessionState } from '../../preload/contract.ts';
import type { Logger } from '../core/log.ts';
import type { SessionManager } from '../core/sessions/session-manager.ts';
import { ringingCallNote } from './call-notification.ts';

export type TrayIconKind = 'ready' | 'not-ready' | 'busy' | 'offline' | 'reconnecting' | 'failed';

export interface TrayItem {
  profileId: string;
  /** "Lab ICWS — Available" */
  label: string;
}

export interface TrayModel {
  icon: TrayIconKind;
  /** Hover text: one line per active profile. */
  tooltip: string;
  /** Short text beside the icon (macOS menu bar). */
  title: string;
  /** One menu line per profile that is not signed out. */
  items: TrayItem[];
}

const PHASE_WORDS: Record<Phase, string> = {
  'signed-out': 'Signed out',
  'signing-in': 'Signing in…',
  'awaiting-user': 'Waiting for sign-in',
  active: 'Signed in',
  reconnecting: 'Reconnecting…',
  failed: 'Disconnected',
};

function stateWords(state: SessionState): string {
  if (state.phase === 'active' && state.agent) return state.agent.label || state.agent.kind;
  return PHASE_WORDS[state.phase];
}

/** What one session says about the whole agent (the worst one wins, see ORDER). */
function kindOf(state: SessionState): TrayIconKind {
  switch (state.phase) {
    case 'failed':
      return 'failed';
    case 'reconnecting':
      return 'reconnecting';
    case 'active':
      switch (state.agent?.kind) {
        case 'ready':
          return 'ready';
        case 'busy':
          return 'busy';
        default:
          return 'not-ready';
      }
    default:
      return 'offline';
  }
}

// Problems first: an agent with one dropped session must see it even if another is Available.
const ORDER: TrayIconKind[] = ['failed', 'reconnecting', 'busy', 'not-ready', 'ready', 'offline'];

export function trayModel(states: SessionState[]): TrayModel {
  const shown = states.filter((s) => s.phase !== 'signed-out');
  if (shown.length === 0) return { icon: 'offline', tooltip: 'Patchbay — not signed in', title: '', items: [] };
  const kinds = shown.map(kindOf);
  const icon = ORDER.find((k) => kinds.includes(k)) ?? 'offline';
  const items = shown.map((s) => ({ profileId: s.profileId, label: `${s.profileName} — ${stateWords(s)}` }));
  const worst = shown[kinds.indexOf(icon)] ?? shown[0]!;
  return {
    icon,
    tooltip: ['Patchbay', ...items.map((i) => i.label)].join('\n'),
    title: shown.length === 1 ? stateWords(worst) : `${stateWords(worst)} (+${shown.length - 1})`,
    items,
  };
}

export interface TrayNotification {
  title: string;
  body: string;
}

/** An OS notification for a change the agent must know about even with the window hidden: the
 *  connection dropped, it could not come back, or it is back. Nothing for what the agent did. */
export function notificationFor(previous: SessionState | undefined, next: SessionState): TrayNotification | undefined {
  const was = previous?.phase;
  const name = next.profileName;
  // Issue 13 item 9: a new ringing call comes first.
  const ring = ringingCallNote(previous, next);
  if (ring) return ring;
  if (next.phase === 'reconnecting' && was === 'active') {
    return { title: `${name}: connection lost`, body: 'Patchbay is reconnecting. Calls may not reach you until it is back.' };
  }
  if (next.phase === 'failed' && (was === 'active' || was === 'reconnecting')) {
    const again = next.lastError?.action === 'sign-in-again' ? 'Open Patchbay and sign in again.' : 'Open Patchbay to reconnect.';
    return { title: `${name}: disconnected`, body: `You are no longer signed in. ${again}` };
  }
  // FIN-14: the sign-in ends soon; told once per deadline, with the time (no token, no error text).
  const by = next.token?.signInBy;
  if (by && by !== previous?.token?.signInBy && (next.phase === 'active' || next.phase === 'reconnecting')) {
    return { title: `${name}: sign in again soon`, body: `Your sign-in ends at ${clockTime(by)}. Open Patchbay and sign in again to stay signed in.` };
  }
  if (next.phase === 'active' && was === 'reconnecting') {
    return { title: `${name}: back online`, body: next.agent ? `Connected again — ${stateWords(next)}.` : 'Connected again.' };
  }
  return undefined;
}

function clockTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? 'soon' : at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

// ------------------------------------------------------------------------ icons
const ICON_COLOURS: Record<TrayIconKind, [number, number, number]> = {
  ready: [0x2e, 0xa0, 0x43],
  'not-ready': [0xd9, 0x8e, 0x04],
  busy: [0x8a, 0x3f, 0xd1],
  offline: [0x8b, 0x94, 0x9e],
  reconnecting: [0x1f, 0x6f, 0xeb],
  failed: [0xcf, 0x22, 0x2e],
};

/** A filled circle as a PNG (RGBA), so the tray needs no image files per state. */
export function trayIconPng(kind: TrayIconKind, size = 32): Buffer {
  const [r, g, b] = ICON_COLOURS[kind];
  const rows: Buffer[] = [];
  const c = (size - 1) / 2;
  const radius = size / 2 - 1;
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0 (none), then RGBA
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      const alpha = Math.round(255 * Math.min(1, Math.max(0, radius + 0.5 - d)));
      row.set([r, g, b, alpha], 1 + x * 4);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace (PNG spec §11.2.2)
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

// ------------------------------------------------------------------------ Electron glue
/** The parts of `electron` used here (typed structurally so tests can hand in fakes). */
export interface TrayElectron {
  Tray: new (image: never) => TrayLike;
  Menu: { buildFromTemplate(template: MenuItem[]): unknown };
  Notification: (new (options: { title: string; body: string; silent?: boolean }) => { show(): void; on(event: 'click', listener: () => void): unknown }) & { isSupported(): boolean };
  nativeImage: { createFromBuffer(buffer: Buffer): unknown };
}

export interface TrayLike {
  setToolTip(text: string): void;
  setTitle?(title: string): void;
  setImage(image: never): void;
  setContextMenu(menu: never): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface MenuItem {
  label?: string;
  type?: 'separator' | 'normal';
  enabled?: boolean;
  click?: () => void;
}

export interface AgentTrayOptions {
  manager: Pick<SessionManager, 'stateEvents' | 'listSessions'>;
  log: Logger;
  /** Shows (or re-opens) the main window. */
  show: () => void;
  quit: () => void;
  platform?: NodeJS.Platform;
}

export interface AgentTray {
  /** The model shown now (for logs and tests). */
  model(): TrayModel;
  dispose(): void;
}

export function createAgentTray(electron: TrayElectron, options: AgentTrayOptions): AgentTray {
  const images = new Map<TrayIconKind, unknown>();
  const image = (kind: TrayIconKind) => {
    let found = images.get(kind);
    if (!found) images.set(kind, (found = electron.nativeImage.createFromBuffer(trayIconPng(kind, (options.platform ?? process.platform) === 'darwin' ? 18 : 32))));
    return found as never;
  };
  const states = new Map<string, SessionState>();
  let current = trayModel([]);
  const tray = new electron.Tray(image(current.icon));
  tray.on('click', options.show);

  const render = (): void => {
    current = trayModel([...states.values()]);
    tray.setImage(image(current.icon));
    tray.setToolTip(current.tooltip);
    tray.setTitle?.(current.title);
    const template: MenuItem[] = [
      { label: 'Show Patchbay', click: options.show },
      { type: 'separator' },
      ...(current.items.length > 0 ? current.items.map((i) => ({ label: i.label, enabled: false })) : [{ label: 'Not signed in', enabled: false }]),
      { type: 'separator' },
      { label: 'Quit Patchbay', click: options.quit },
    ];
    tray.setContextMenu(electron.Menu.buildFromTemplate(template) as never);
  };

  const notify = (note: TrayNotification): void => {
    if (!electron.Notification.isSupported()) return;
    const shown = new electron.Notification({ title: note.title, body: note.body });
    shown.on('click', options.show);
    shown.show();
  };

  const unsubscribe = options.manager.stateEvents.add((state) => {
    if (disposed) return;
    const note = notificationFor(states.get(state.profileId), state);
    states.set(state.profileId, state);
    render();
    if (note) notify(note);
  });
  render();
  options.manager
    .listSessions()
    .then((list) => {
      // Snapshots that arrived meanwhile are newer: keep them.
      for (const state of list) if (!states.has(state.profileId)) states.set(state.profileId, state);
      render();
    })
    .catch((error: unknown) => options.log.warn('tray.list-failed', { error }));

  let disposed = false;
  return {
    model: () => current,
    dispose: () => {
      // before-quit fires again after the shutdown: destroy once.
      if (disposed) return;
      disposed = true;
      unsubscribe();
      tray.destroy();
    },
  };
}
