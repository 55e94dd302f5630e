// Genesys Cloud presence + routing status → the contract's common agent-state model
// (protocols/genesys-cloud.md §3). Presence definitions carry localised labels; On Queue is the
// OnQueue definition; the routing status (Idle, Interacting, Not Responding…) is shown as the reason
// while on queue, and Not Responding offers a one-click way back to Idle. Pure functions only.
import type { AgentState, AgentStateKind, Call, SelectableState } from '../../../../preload/contract.ts';
import type { Conversation, PresenceDefinition, RoutingStatus, UserPresence } from './wire.ts';

/** The selectable id that puts the routing status back to IDLE (not a presence definition id). */
export const BACK_TO_IDLE_ID = 'routing:IDLE';

/** 'On Queue', 'ON_QUEUE', 'OnQueue' → 'ONQUEUE': the definitions list and the events spell it differently. */
export function normalisePresence(systemPresence: string | undefined): string {
  return (systemPresence ?? '').toUpperCase().replace(/[^A-Z]/g, '');
}

const KIND: Record<string, AgentStateKind> = {
  ONQUEUE: 'ready',
  AVAILABLE: 'not-ready',
  AWAY: 'not-ready',
  BREAK: 'not-ready',
  BUSY: 'not-ready',
  IDLE: 'not-ready',
  MEAL: 'not-ready',
  MEETING: 'not-ready',
  TRAINING: 'not-ready',
  OFFLINE: 'logged-out',
};

const PRESENCE_LABEL: Record<string, string> = {
  ONQUEUE: 'On Queue',
  AVAILABLE: 'Available',
  AWAY: 'Away',
  BREAK: 'Break',
  BUSY: 'Busy',
  IDLE: 'Idle',
  MEAL: 'Meal',
  MEETING: 'Meeting',
  TRAINING: 'Training',
  OFFLINE: 'Offline',
};

const ROUTING_LABEL: Record<string, string> = {
  OFF_QUEUE: 'Off Queue',
  IDLE: 'Idle',
  INTERACTING: 'Interacting',
  COMMUNICATING: 'Communicating',
  NOT_RESPONDING: 'Not Responding',
};

export function presenceKind(systemPresence: string | undefined): AgentStateKind {
  return KIND[normalisePresence(systemPresence)] ?? 'unknown';
}

export function routingLabel(status: string): string {
  return ROUTING_LABEL[status.toUpperCase()] ?? status;
}

/** A definition's label in the agent's language ('fr-FR' → fr_FR, then fr, then en_US), else the
 *  system presence in words. */
export function definitionLabel(definition: Pick<PresenceDefinition, 'systemPresence' | 'languageLabels'>, language = 'en-US'): string {
  const labels = definition.languageLabels ?? {};
  const tag = language.replace('-', '_');
  const base = tag.split('_')[0]!.toLowerCase();
  const byPrefix = Object.entries(labels).find(([key]) => key.toLowerCase().split(/[_-]/)[0] === base)?.[1];
  const label = labels[tag] ?? labels[base] ?? byPrefix ?? labels.en_US;
  return label ?? PRESENCE_LABEL[normalisePresence(definition.systemPresence)] ?? definition.systemPresence;
}

/** What the agent may pick: the org's active definitions (primary first, On Queue among them). */
export function selectableStates(definitions: readonly PresenceDefinition[], language?: string): SelectableState[] {
  const order = (d: PresenceDefinition) => (normalisePresence(d.systemPresence) === 'ONQUEUE' ? 0 : d.primary === false ? 2 : 1);
  return [...definitions]
    .filter((d) => d.deactivated !== true)
    .sort((a, b) => order(a) - order(b))
    .map((d) => ({ id: d.id, label: definitionLabel(d, language), kind: presenceKind(d.systemPresence), reasons: [], reasonRequired: false }));
}

/** The agent's state for the view. */
export function agentStateOf(
  presence: UserPresence,
  routing: RoutingStatus | undefined,
  definitions: readonly PresenceDefinition[],
  language?: string,
): AgentState {
  const definition = definitions.find((d) => d.id === presence.presenceDefinition.id);
  const systemPresence = presence.presenceDefinition.systemPresence ?? definition?.systemPresence;
  const normal = normalisePresence(systemPresence);
  const label = definition ? definitionLabel(definition, language) : (PRESENCE_LABEL[normal] ?? systemPresence ?? 'Unknown');
  let kind = presenceKind(systemPresence);
  let reason: string | undefined;
  let since = iso(presence.modifiedDate);
  let quickAction: AgentState['quickAction'];
  if (normal === 'ONQUEUE' && routing) {
    const status = routing.status.toUpperCase();
    reason = routingLabel(status);
    since = iso(routing.startTime) ?? since;
    if (status === 'INTERACTING' || status === 'COMMUNICATING') kind = 'busy';
    if (status === 'NOT_RESPONDING') {
      kind = 'not-ready';
      quickAction = { stateId: BACK_TO_IDLE_ID, label: 'Back to Idle' };
    }
  }
  return {
    kind,
    stateId: presence.presenceDefinition.id,
    label,
    ...(reason ? { reason } : {}),
    ...(since ? { since } : {}),
    ...(quickAction ? { quickAction } : {}),
  };
}

function iso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/** Participant states after which the agent is no longer on the conversation. */
const ENDED = new Set(['DISCONNECTED', 'TERMINATED']);

/** The agent's own participant (purpose agent/user with their user id), last one wins (transfers). */
function agentParticipant(conversation: Conversation, userId: string) {
  const mine = conversation.participants.filter((p) => p.userId === userId);
  return mine[mine.length - 1];
}

/** One conversation → a call on the card, or undefined when the agent is not (or no longer) on it. */
export function callOf(conversation: Conversation, userId: string): Call | undefined {
  const me = agentParticipant(conversation, userId);
  if (!me) return undefined;
  const state = (me.state ?? 'unknown').toUpperCase();
  if (ENDED.has(state) || me.endTime) return undefined;
  const customer = conversation.participants.find((p) => p.purpose === 'customer' || p.purpose === 'external');
  const direction: Call['direction'] = /^in/i.test(me.direction ?? '') ? 'inbound' : /^out/i.test(me.direction ?? '') ? 'outbound' : 'unknown';
  const from = me.ani ?? customer?.ani;
  const to = me.dnis ?? customer?.dnis;
  const since = iso(me.connectedTime);
  return {
    id: conversation.id,
    direction,
    ...(from ? { from: stripTel(from) } : {}),
    ...(to ? { to: stripTel(to) } : {}),
    state,
    ...(since ? { since } : {}),
  };
}

/** 'tel:+15551234' → '+15551234' (addresses only; nothing else of the conversation is shown). */
function stripTel(address: string): string {
  return address.replace(/^tel:/i, '').slice(0, 64);
}

export function callsOf(list: readonly Conversation[], userId: string): Call[] {
  return list.map((c) => callOf(c, userId)).filter((c): c is Call => c !== undefined);
}

/** One conversation event applied to the calls shown: replaced, added, or removed when over. */
export function applyConversation(calls: readonly Call[], conversation: Conversation, userId: string): Call[] {
  const call = callOf(conversation, userId);
  const rest = calls.filter((c) => c.id !== conversation.id);
  if (!call) return rest;
  const at = calls.findIndex((c) => c.id === conversation.id);
  if (at < 0) return [...rest, call];
  const next = [...calls];
  next[at] = call;
  return next;
}
