// Words the agent reads all shift: phases, platforms, transports, times. Pure functions, so the
// wording is tested without a DOM.
import type { AgentStateKind, Call, Phase, Platform, SessionState } from '../preload/contract.ts';

export const PLATFORM_LABELS: Record<Platform, string> = {
  icws: 'PureConnect (ICWS)',
  finesse: 'Cisco Finesse',
  gws: 'Genesys Web Services',
  'genesys-cloud': 'Genesys Cloud',
};

export const PHASE_LABELS: Record<Phase, string> = {
  'signed-out': 'Signed out',
  'signing-in': 'Signing in…',
  'awaiting-user': 'Waiting for you in the sign-in window',
  active: 'Signed in',
  reconnecting: 'Reconnecting',
  failed: 'Failed',
};

const TRANSPORT_LABELS: Record<NonNullable<SessionState['connection']>['transport'], string> = {
  sse: 'SSE',
  polling: 'Polling',
  xmpp: 'XMPP',
  cometd: 'CometD',
  websocket: 'WebSocket',
  none: 'No event channel',
};

export const KIND_LABELS: Record<AgentStateKind, string> = {
  ready: 'Ready',
  'not-ready': 'Not ready',
  busy: 'Busy',
  'logged-out': 'Logged out',
  unknown: 'Other',
};

const CALL_STATE_LABELS: Record<string, string> = {
  ALERTING: 'Ringing',
  ACTIVE: 'Connected',
  HELD: 'On hold',
  INITIATING: 'Dialling',
  INITIATED: 'Dialling',
};

/** A call's state in words ("Ringing", "On hold"); an unknown platform word is shown as "Some state". */
export function callStateLabel(state: string): string {
  const known = CALL_STATE_LABELS[state.toUpperCase()];
  if (known) return known;
  const words = state.replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The other party of a call: the caller on an inbound call, the number dialled on an outbound one. */
export function callParty(call: Pick<Call, 'direction' | 'from' | 'to'>): string {
  return (call.direction === 'outbound' ? call.to : call.from) ?? call.from ?? call.to ?? 'unknown number';
}

export function transportLabel(transport: NonNullable<SessionState['connection']>['transport']): string {
  return TRANSPORT_LABELS[transport];
}

function toMs(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Whole seconds from now until `iso` (0 when past), or undefined without a time. */
export function secondsUntil(iso: string | undefined, now: number): number | undefined {
  const at = toMs(iso);
  return at === undefined ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Whole minutes elapsed since `iso` (0 in the first minute). */
export function minutesSince(iso: string | undefined, now: number): number | undefined {
  const at = toMs(iso);
  return at === undefined ? undefined : Math.max(0, Math.floor((now - at) / 60_000));
}

/** "14:05" in the agent's locale. */
export function clockTime(iso: string | undefined, withSeconds = false): string {
  const at = toMs(iso);
  if (at === undefined) return '';
  return new Date(at).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' } : {}),
  });
}

export function durationWords(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** "since 14:05 (12 min)" for an agent state, or '' when the platform gave no start time. */
export function sinceText(iso: string | undefined, now: number): string {
  const minutes = minutesSince(iso, now);
  if (minutes === undefined) return '';
  return `since ${clockTime(iso)} (${durationWords(minutes)})`;
}

/** The phase in the agent's words; reconnecting carries the live countdown, attempt and host. */
export function phaseText(state: Pick<SessionState, 'phase' | 'connection'>, now: number): string {
  if (state.phase !== 'reconnecting') return PHASE_LABELS[state.phase];
  const connection = state.connection;
  const seconds = secondsUntil(connection?.nextAttemptAt, now);
  const details: string[] = [];
  if (connection?.reconnectAttempt !== undefined) details.push(`attempt ${connection.reconnectAttempt}`);
  if (connection?.nextHost) details.push(`host ${connection.nextHost}`);
  const suffix = details.length > 0 ? ` (${details.join(', ')})` : '';
  if (seconds === undefined) return `Reconnecting…${suffix}`;
  if (seconds === 0) return `Reconnecting — trying now${suffix}`;
  return `Reconnecting — next attempt in ${seconds} s${suffix}`;
}

/** "ic1.example.com:8019" for display; falls back to the raw text when it is not a URL. */
export function hostOf(server: string | undefined): string {
  if (!server) return '';
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}

/** A profile id derived from its name: what ProfileSchema's id rule accepts. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/[-.]+$/, '')
    .slice(0, 64)
    .replace(/[-.]+$/, '');
  return slug;
}

/** A language tag from the browser when it fits the contract's rule, else en-US. */
export function defaultLanguage(candidate: string | undefined): string {
  return candidate && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(candidate) ? candidate : 'en-US';
}

/** Running time in a state for the status bar (issue 13 item 1): "m:ss" under an hour, else "h:mm:ss". */
export function elapsedClock(iso: string | undefined, now: number): string {
  const start = iso ? Date.parse(iso) : NaN;
  if (!Number.isFinite(start)) return '';
  const total = Math.max(0, Math.floor((now - start) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${String(m).padStart(2, '0')}:${s}`;
}
