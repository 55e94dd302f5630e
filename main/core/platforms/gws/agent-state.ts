// The agent's work on GWS (protocols/gws.md §2), as pure request builders and response processors:
// StartContactCenterSession (place + voice; statusCode 7 names the failed channel), Ready / NotReady
// with the reasons of the agent-states settings / AfterCallWork, the agent's calls, and the mapping
// of GWS userState to the common agent-state model.
import type { AgentState, Call, SelectableState } from '../../../../preload/contract.ts';
import { PatchbayError } from '../../errors.ts';
import type { ApiResult } from './api.ts';
import { statusError } from './api.ts';
import { StartSessionResultSchema, STATUS, type AgentStateSetting, type GwsCall, type UserState } from './wire.ts';

export const VOICE_PATH = '/api/v2/me/channels/voice';
export const BASE_OPERATIONS = ['Ready', 'NotReady', 'AfterCallWork'] as const;

export function startSessionBody(place: string): Record<string, unknown> {
  return { operationName: 'StartContactCenterSession', channels: ['voice'], place };
}

export const END_SESSION_BODY = { operationName: 'EndContactCenterSession' } as const;

/** StartContactCenterSession's answer: ok, or (statusCode 7) the channels that failed as a
 *  non-fatal error to show; anything else throws with the server's message. */
export function processStartSession(result: ApiResult): PatchbayError | undefined {
  const code = result.envelope?.statusCode;
  if (result.status < 300 && code === STATUS.ok) return undefined;
  if (result.status < 300 && code === STATUS.partialSuccess) {
    const parsed = StartSessionResultSchema.safeParse(result.json);
    const failed: string[] = [];
    if (parsed.success) {
      for (const entry of [...(parsed.data.channels ?? []), ...(parsed.data.results ?? [])]) {
        if (entry.statusCode !== undefined && entry.statusCode !== STATUS.ok) {
          const said = entry.statusMessage ?? entry.error;
          failed.push(`${entry.channel ?? entry.name ?? 'a channel'}${said ? ` (${said})` : ''}`);
        }
      }
      for (const entry of parsed.data.failedChannels ?? []) {
        if (typeof entry === 'string') failed.push(entry);
        else failed.push(`${entry.channel ?? entry.name ?? 'a channel'}${entry.statusMessage ? ` (${entry.statusMessage})` : ''}`);
      }
    }
    const which = failed.length > 0 ? failed.join(', ') : 'a channel the server did not name';
    const said = result.envelope?.statusMessage ? ` ${result.envelope.statusMessage}` : '';
    return new PatchbayError('gws.session.partial', `Your contact-center session started only in part: ${which} failed.${said}`, {
      action: 'contact-it',
      details: { statusCode: STATUS.partialSuccess },
    });
  }
  throw statusError(result.envelope, result.status, 'Starting your contact-center session');
}

function reasonId(entry: AgentStateSetting): string | undefined {
  return entry.operationName ?? entry.reason ?? entry.name ?? entry.id;
}

/** The NotReady reasons of the agent-states settings. */
export function notReadyReasons(settings: readonly AgentStateSetting[]): { id: string; label: string }[] {
  const out: { id: string; label: string }[] = [];
  for (const entry of settings) {
    if (entry.state !== 'NotReady') continue;
    const id = reasonId(entry);
    if (!id || id === 'NotReady' || out.some((r) => r.id === id)) continue;
    out.push({ id, label: entry.displayName ?? entry.reason ?? entry.name ?? id });
  }
  return out;
}

export function selectableStates(settings: readonly AgentStateSetting[]): SelectableState[] {
  return [
    { id: 'Ready', label: 'Ready', kind: 'ready', reasons: [], reasonRequired: false },
    { id: 'NotReady', label: 'Not Ready', kind: 'not-ready', reasons: notReadyReasons(settings), reasonRequired: false },
    { id: 'AfterCallWork', label: 'After Call Work', kind: 'busy', reasons: [], reasonRequired: false },
  ];
}

/** The body of POST /api/v2/me/channels/voice for a state (and NotReady reason). A reason whose
 *  settings entry names a custom operation is selected by that operation; otherwise NotReady with
 *  the reason code. */
export function stateRequest(stateId: string, reason: string | undefined, settings: readonly AgentStateSetting[]): Record<string, unknown> {
  if (!(BASE_OPERATIONS as readonly string[]).includes(stateId)) {
    throw new PatchbayError('gws.state.unknown', `"${stateId}" is not a state you can choose here.`, { action: 'none' });
  }
  if (!reason) return { operationName: stateId };
  if (stateId !== 'NotReady') throw new PatchbayError('gws.state.reason-not-allowed', 'Only Not Ready takes a reason.', { action: 'none' });
  const entry = settings.find((e) => e.state === 'NotReady' && reasonId(e) === reason);
  if (!entry) throw new PatchbayError('gws.state.unknown-reason', `"${reason}" is not one of your Not Ready reasons.`, { action: 'none' });
  if (entry.operationName && !(BASE_OPERATIONS as readonly string[]).includes(entry.operationName)) return { operationName: entry.operationName };
  return { operationName: 'NotReady', reasonCode: entry.reason ?? entry.name ?? reason };
}

function kindOf(state: string): AgentState['kind'] {
  switch (state.toLowerCase()) {
    case 'ready':
      return 'ready';
    case 'notready':
      return 'not-ready';
    case 'aftercallwork':
    case 'auxwork':
      return 'busy';
    case 'loggedout':
    case 'logout':
      return 'logged-out';
    default:
      return 'unknown';
  }
}

const LABELS: Record<string, string> = { Ready: 'Ready', NotReady: 'Not Ready', AfterCallWork: 'After Call Work', LoggedOut: 'Logged Out' };

/** GWS userState → the common model; the label is the server's display name when it gives one. */
export function agentStateOf(userState: UserState, since?: string): AgentState {
  const label = userState.displayName ?? LABELS[userState.state] ?? userState.state;
  return {
    kind: kindOf(userState.state),
    stateId: userState.state,
    label,
    ...(userState.reason ? { reason: userState.reason } : {}),
    ...(since ? { since } : {}),
  };
}

/** A GWS call on the session card; undefined for a released one. */
export function callOf(call: GwsCall): Call | undefined {
  if (call.state === 'Released') return undefined;
  const type = call.callType?.toLowerCase();
  const direction = type === 'inbound' ? 'inbound' : type === 'outbound' ? 'outbound' : 'unknown';
  const numbers = (call.participants ?? []).map((p) => p.phoneNumber ?? p.number).filter((n): n is string => typeof n === 'string');
  const from = call.ani ?? (direction === 'inbound' ? numbers[0] : undefined);
  const to = call.dnis ?? (direction === 'outbound' ? numbers[0] : undefined);
  return { id: call.id, direction, state: call.state, ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** The calls list after a CallStateChangeMessage: the call replaced, added, or removed when released. */
export function applyCall(calls: readonly Call[], call: GwsCall): Call[] {
  const next = callOf(call);
  const rest = calls.filter((c) => c.id !== call.id);
  return next ? [...rest, next] : rest;
}
