// State of the GWS lab: HTTP sessions (JSESSIONID + CSRF token), each agent's channels and calls.
// Every change to an agent's state or calls goes through here and is announced to listeners (the
// CometD publisher), whatever its source: the agent's API, a supervisor control, a call.
import { randomBytes, randomUUID } from 'node:crypto';
import type { GwsAgentStateSetting, GwsLabUser, GwsPlace } from './fixture.ts';

export type AuthMethod = 'salesforce' | 'config-server' | 'gws-basic' | 'saml';

export interface GwsSession {
  /** The JSESSIONID value. */
  id: string;
  userName: string;
  method: AuthMethod;
  csrfToken: string;
  createdAt: number;
}

export interface UserState {
  id: string;
  state: 'Ready' | 'NotReady' | 'AfterCallWork' | 'LoggedOut';
  displayName: string;
  reason?: string;
  workMode?: string;
}

export interface ChannelState {
  channel: string;
  userState: UserState;
  activity: 'Idle' | 'Busy';
}

export interface GwsCall {
  id: string;
  state: 'Dialing' | 'Ringing' | 'Established' | 'Held' | 'Released';
  callType: 'Inbound';
  ani: string;
  dnis: string;
  participants: { number: string; phoneNumber: string }[];
  duration: number;
  startedAt: number;
}

export interface AgentRecord {
  user: GwsLabUser;
  /** A stable id per user (user.id in /api/v2/me; also the prefix of its private CometD channels). */
  id: string;
  place?: string;
  /** Logged-in channels (StartContactCenterSession), channel name → state. */
  channels: Map<string, ChannelState>;
  calls: Map<string, GwsCall>;
}

export type ChangeEvent =
  | { kind: 'channels'; agent: AgentRecord }
  | { kind: 'call'; agent: AgentRecord; call: GwsCall; notificationType: 'NewCall' | 'StatusChange' }
  | { kind: 'session-ended'; session: GwsSession };

export function newToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** userState for a setting of the agent-states section. */
export function userStateOf(key: string, setting: GwsAgentStateSetting): UserState {
  return {
    id: key,
    state: setting.state,
    displayName: setting.displayName,
    ...(setting.reason === undefined ? {} : { reason: setting.reason }),
    ...(setting.workMode === undefined ? {} : { workMode: setting.workMode }),
  };
}

export class GwsStore {
  readonly sessions = new Map<string, GwsSession>();
  readonly agents = new Map<string, AgentRecord>();
  readonly places: Map<string, GwsPlace>;
  readonly agentStates: Record<string, GwsAgentStateSetting>;
  private readonly listeners = new Set<(event: ChangeEvent) => void>();

  constructor(users: GwsLabUser[], places: GwsPlace[], agentStates: Record<string, GwsAgentStateSetting>) {
    for (const user of users) this.agents.set(user.userName, { user, id: randomUUID().replace(/-/g, ''), channels: new Map(), calls: new Map() });
    this.places = new Map(places.map((p) => [p.name, p]));
    this.agentStates = agentStates;
  }

  onChange(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ChangeEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  agent(userName: string): AgentRecord | undefined {
    return this.agents.get(userName);
  }

  createSession(userName: string, method: AuthMethod): GwsSession {
    const session: GwsSession = { id: newToken(), userName, method, csrfToken: newToken(), createdAt: Date.now() };
    this.sessions.set(session.id, session);
    return session;
  }

  endSession(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    this.emit({ kind: 'session-ended', session });
  }

  /** Fault control: the server drops every HTTP session of the user. */
  invalidateUser(userName: string): number {
    let count = 0;
    for (const session of [...this.sessions.values()]) {
      if (session.userName !== userName) continue;
      this.endSession(session.id);
      count += 1;
    }
    return count;
  }

  rotateCsrf(): void {
    for (const session of this.sessions.values()) session.csrfToken = newToken();
  }

  /** Sets the voice channel's state (agent or supervisor) and announces it. */
  setVoiceState(agent: AgentRecord, key: string): void {
    const setting = this.agentStates[key];
    const voice = agent.channels.get('voice');
    if (!setting || !voice) throw new Error('lab: voice channel not logged in or unknown state');
    voice.userState = userStateOf(key, setting);
    this.emit({ kind: 'channels', agent });
  }

  startChannels(agent: AgentRecord, place: string, channels: string[]): void {
    agent.place = place;
    const notReady = this.agentStates['NotReady'];
    for (const channel of channels) {
      const initial: UserState = notReady ? userStateOf('NotReady', notReady) : { id: 'NotReady', state: 'NotReady', displayName: 'Not Ready' };
      agent.channels.set(channel, { channel, userState: initial, activity: 'Idle' });
    }
    this.emit({ kind: 'channels', agent });
  }

  endChannels(agent: AgentRecord): void {
    for (const call of agent.calls.values()) this.releaseCall(agent, call);
    agent.channels.clear();
    delete agent.place;
    this.emit({ kind: 'channels', agent });
  }

  startCall(agent: AgentRecord, from = '5551234'): GwsCall {
    const voice = agent.channels.get('voice');
    if (!voice) throw new Error(`lab: ${agent.user.userName} has no voice channel logged in`);
    const dn = agent.place ? (this.places.get(agent.place)?.dn ?? '') : '';
    const call: GwsCall = {
      id: randomUUID().replace(/-/g, '').toUpperCase(),
      state: 'Ringing',
      callType: 'Inbound',
      ani: from,
      dnis: dn,
      participants: [{ number: from, phoneNumber: from }],
      duration: 0,
      startedAt: Date.now(),
    };
    agent.calls.set(call.id, call);
    this.emit({ kind: 'call', agent, call: { ...call }, notificationType: 'NewCall' });
    // The lab auto-answers: the agent's phone picks up at once.
    call.state = 'Established';
    voice.activity = 'Busy';
    this.emit({ kind: 'call', agent, call: { ...call }, notificationType: 'StatusChange' });
    return call;
  }

  findCall(callId: string): { agent: AgentRecord; call: GwsCall } | undefined {
    for (const agent of this.agents.values()) {
      const call = agent.calls.get(callId);
      if (call) return { agent, call };
    }
    return undefined;
  }

  releaseCall(agent: AgentRecord, call: GwsCall): void {
    call.state = 'Released';
    call.duration = Math.round((Date.now() - call.startedAt) / 1000);
    agent.calls.delete(call.id);
    const voice = agent.channels.get('voice');
    if (voice && agent.calls.size === 0) voice.activity = 'Idle';
    this.emit({ kind: 'call', agent, call: { ...call }, notificationType: 'StatusChange' });
  }
}
