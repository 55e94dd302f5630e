// What Genesys Cloud holds for the lab's users: presence, routing status and active conversations
// (shared/protocols/genesys-cloud.md §2–3). Every change publishes the notification topic event.
import { randomUUID } from 'node:crypto';
import type { GenesysCloudLabUser, PresenceDefinition, RoutingStatus } from './fixture.ts';

export interface UserPresence {
  source: string;
  presenceDefinition: { id: string; systemPresence: string };
  primary: boolean;
  message: string;
  modifiedDate: string;
}

export interface UserRouting {
  status: RoutingStatus;
  startTime: string;
}

export interface Participant {
  id: string;
  purpose: 'agent' | 'customer';
  userId?: string;
  state: 'alerting' | 'connected' | 'disconnected';
  direction: 'inbound' | 'outbound';
  ani: string;
  dnis: string;
  connectedTime?: string;
  endTime?: string;
}

export interface Conversation {
  id: string;
  startTime: string;
  participants: Participant[];
}

export interface StartConversationOptions {
  direction?: 'inbound' | 'outbound';
  ani?: string;
  dnis?: string;
  state?: 'alerting' | 'connected';
}

export type Publish = (topicName: string, eventBody: unknown) => void;

export class GenesysOrgState {
  readonly definitions: PresenceDefinition[];
  readonly #presence = new Map<string, UserPresence>();
  readonly #routing = new Map<string, UserRouting>();
  readonly #conversations = new Map<string, Conversation>();
  readonly #publish: Publish;

  constructor(users: GenesysCloudLabUser[], definitions: PresenceDefinition[], publish: Publish) {
    this.definitions = definitions;
    this.#publish = publish;
    const available = this.#primaryDefinition('Available');
    const now = new Date().toISOString();
    for (const user of users) {
      this.#presence.set(user.id, { source: 'PURECLOUD', presenceDefinition: { id: available.id, systemPresence: 'Available' }, primary: true, message: '', modifiedDate: now });
      this.#routing.set(user.id, { status: 'OFF_QUEUE', startTime: now });
    }
  }

  #primaryDefinition(systemPresence: string): PresenceDefinition {
    const found = this.definitions.find((d) => d.primary && d.systemPresence.toLowerCase() === systemPresence.toLowerCase());
    if (found === undefined) throw new Error(`lab: no presence definition ${systemPresence}`);
    return found;
  }

  hasUser(userId: string): boolean {
    return this.#presence.has(userId);
  }

  presence(userId: string): UserPresence | undefined {
    return this.#presence.get(userId);
  }

  routing(userId: string): UserRouting | undefined {
    return this.#routing.get(userId);
  }

  /** PATCH …/presences/purecloud; On Queue is the OnQueue definition (§3). Off queue ends routing. */
  setPresence(userId: string, definitionId: string, message?: string): UserPresence | undefined {
    const definition = this.definitions.find((d) => d.id === definitionId);
    const current = this.#presence.get(userId);
    if (definition === undefined || current === undefined) return undefined;
    const next: UserPresence = {
      source: 'PURECLOUD',
      presenceDefinition: { id: definition.id, systemPresence: definition.systemPresence },
      primary: true,
      message: message ?? current.message,
      modifiedDate: new Date().toISOString(),
    };
    this.#presence.set(userId, next);
    this.#publish(`v2.users.${userId}.presence`, next);
    const routing = this.#routing.get(userId)?.status;
    if (definition.systemPresence === 'OnQueue' && routing === 'OFF_QUEUE') this.setRouting(userId, this.activeConversations(userId).length > 0 ? 'INTERACTING' : 'IDLE');
    if (definition.systemPresence !== 'OnQueue' && routing !== 'OFF_QUEUE') this.setRouting(userId, 'OFF_QUEUE');
    return next;
  }

  setPresenceBySystem(userId: string, systemPresence: string): UserPresence | undefined {
    return this.setPresence(userId, this.#primaryDefinition(systemPresence).id);
  }

  setRouting(userId: string, status: RoutingStatus): UserRouting | undefined {
    if (!this.#routing.has(userId)) return undefined;
    const next: UserRouting = { status, startTime: new Date().toISOString() };
    this.#routing.set(userId, next);
    this.#publish(`v2.users.${userId}.routingStatus`, { id: userId, routingStatus: next });
    return next;
  }

  activeConversations(userId: string): Conversation[] {
    return [...this.#conversations.values()].filter((c) => c.participants.some((p) => p.userId === userId && p.state !== 'disconnected'));
  }

  startConversation(userId: string, options: StartConversationOptions = {}): string {
    if (!this.hasUser(userId)) throw new Error('lab: unknown user');
    const now = new Date().toISOString();
    const direction = options.direction ?? 'inbound';
    const state = options.state ?? 'connected';
    const ani = options.ani ?? 'tel:+15555550100';
    const dnis = options.dnis ?? 'tel:+15555550199';
    const connected = state === 'connected' ? { connectedTime: now } : {};
    const conversation: Conversation = {
      id: randomUUID(),
      startTime: now,
      participants: [
        { id: randomUUID(), purpose: 'customer', state, direction, ani, dnis, ...connected },
        { id: randomUUID(), purpose: 'agent', userId, state, direction, ani, dnis, ...connected },
      ],
    };
    this.#conversations.set(conversation.id, conversation);
    this.#publish(`v2.users.${userId}.conversations`, conversation);
    if (this.#routing.get(userId)?.status === 'IDLE') this.setRouting(userId, 'INTERACTING');
    return conversation.id;
  }

  /** Throws for an unknown id (the control answers 404). */
  endConversation(conversationId: string): void {
    const conversation = this.#conversations.get(conversationId);
    if (conversation === undefined) throw new Error('lab: unknown conversation');
    this.#conversations.delete(conversationId);
    const endTime = new Date().toISOString();
    const ended: Conversation = { ...conversation, participants: conversation.participants.map((p) => ({ ...p, state: 'disconnected', endTime })) };
    for (const participant of ended.participants) {
      if (participant.userId === undefined) continue;
      this.#publish(`v2.users.${participant.userId}.conversations`, ended);
      if (this.#routing.get(participant.userId)?.status === 'INTERACTING' && this.activeConversations(participant.userId).length === 0) this.setRouting(participant.userId, 'IDLE');
    }
  }
}
