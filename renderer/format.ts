// Words the agent reads all shift: phases, platforms, transports, times. Pure functions, so the
// wording is tested without a DOM.
import type { AgentStateKind, Call, Phase, Platform, SessionState } from '../preload/contract.ts';
// The zod-free part of the contract: the first paint loads no zod (issue 15 item 5).
import { profileLanguage } from '../preload/contract/languages.ts';
import { currentLocale, t } from './i18n/index.ts';

/** A record whose values are read through t() at each access, so templates indexing it
 *  (`PHASE_LABELS[phase]`) re-render when the agent switches language. */
function translated<K extends string>(prefix: string, keys: readonly K[]): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const key of keys) Object.defineProperty(out, key, { get: () => t(`${prefix}.${key}`), enumerable: true });
  return out;
}

export const PLATFORM_LABELS: Record<Platform, string> = {
  icws: 'PureConnect (ICWS)',
  finesse: 'Cisco Finesse',
  gws: 'Genesys Web Services',
  'genesys-cloud': 'Genesys Cloud',
};

export const PHASE_LABELS: Record<Phase, string> = translated<Phase>('phase', ['signed-out', 'signing-in', 'awaiting-user', 'active', 'reconnecting', 'failed']);

const TRANSPORT_LABELS: Record<NonNullable<SessionState['connection']>['transport'], string> = translated('transport', [
  'sse',
  'polling',
  'xmpp',
  'cometd',
  'websocket',
  'none',
]);

export const KIND_LABELS: Record<AgentStateKind, string> = translated<AgentStateKind>('kind', ['ready', 'not-ready', 'busy', 'logged-out', 'unknown']);

const CALL_STATE_LABELS: Record<string, string> = translated('call', ['ALERTING', 'ACTIVE', 'HELD', 'INITIATING', 'INITIATED']);

/** The session's one display state in the agent's language (preload/display-state.ts kinds). */
export const DISPLAY_LABELS_T = translated('display', ['signed-out', 'signing-in', 'active', 'reconnecting', 'needs-sign-in', 'failed'] as const);

/** A call's state in words ("Ringing", "On hold"); an unknown platform word is shown as "Some state". */
export function callStateLabel(state: string): string {
  const known = CALL_STATE_LABELS[state.toUpperCase()];
  if (known) return known;
  const words = state.replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The other party of a call: the caller on an inbound call, the number dialled on an outbound one. */
export function callParty(call: Pick<Call, 'direction' | 'from' | 'to'>): string {
  return (call.direction === 'outbound' ? call.to : call.from) ?? call.from ?? call.to ?? t('call.unknownNumber');
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
  const format = cached(`clock|${withSeconds}`, (locale) => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', ...(withSeconds ? { second: '2-digit' } : {}) }));
  return format.format(new Date(at));
}

// issue 15 item 2: an Intl formatter costs ICU set-up each time it is built (~0.3 ms; several per
// session card render, so a few ms per state event); built once per language and kind instead.
const formatters = new Map<string, unknown>();
function cached<F>(kind: string, build: (locale: string) => F): F {
  const key = `${currentLocale()}|${kind}`;
  if (!formatters.has(key)) formatters.set(key, build(currentLocale()));
  return formatters.get(key) as F;
}

/** A whole number in the agent's locale (Intl). */
function num(n: number): string {
  return cached('number', (locale) => new Intl.NumberFormat(locale)).format(n);
}

export function durationWords(minutes: number): string {
  if (minutes < 60) return t('time.minutes', { n: num(minutes) });
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? t('time.hours', { n: num(hours) }) : t('time.hoursMinutes', { h: num(hours), m: num(rest) });
}

/** "12 s ago" / "vor 3 Min." in the agent's locale (Intl.RelativeTimeFormat). */
export function agoText(seconds: number): string {
  const format = cached('relative', (locale) => new Intl.RelativeTimeFormat(locale, { numeric: 'always', style: 'short' }));
  return seconds < 60 ? format.format(-seconds, 'second') : format.format(-Math.floor(seconds / 60), 'minute');
}

/** "since 14:05 (12 min)" for an agent state, or '' when the platform gave no start time. */
export function sinceText(iso: string | undefined, now: number): string {
  const minutes = minutesSince(iso, now);
  if (minutes === undefined) return '';
  return t('time.since', { time: clockTime(iso), duration: durationWords(minutes) });
}

/** The phase in the agent's words; reconnecting carries the live countdown, attempt and host. */
export function phaseText(state: Pick<SessionState, 'phase' | 'connection'>, now: number): string {
  if (state.phase !== 'reconnecting') return PHASE_LABELS[state.phase];
  const connection = state.connection;
  const seconds = secondsUntil(connection?.nextAttemptAt, now);
  const details: string[] = [];
  if (connection?.reconnectAttempt !== undefined) details.push(t('phase.attempt', { n: connection.reconnectAttempt }));
  if (connection?.nextHost) details.push(t('phase.host', { host: connection.nextHost }));
  const suffix = details.length > 0 ? ` (${details.join(', ')})` : '';
  if (seconds === undefined) return t('phase.reconnectingEllipsis', { suffix });
  if (seconds === 0) return t('phase.reconnectingNow', { suffix });
  return t('phase.reconnectingIn', { seconds, suffix });
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

/** [ICWS-01] the OS/browser locale when it is a language a profile offers (contract rule), else en-US. */
export function defaultLanguage(candidate: string | undefined): string {
  return profileLanguage(candidate) ?? 'en-US';
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
