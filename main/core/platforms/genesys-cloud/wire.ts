// Genesys Cloud wire shapes (protocols/genesys-cloud.md §2, §3): zod schemas for the API bodies the
// session reads and for the notification frames. Parsing never throws anything but a typed
// PatchbayError; unknown fields pass (Genesys adds fields freely), missing required ones do not.
import { z } from 'zod';
import { PatchbayError } from '../../errors.ts';

/** Genesys's JSON error body: {message, code, status, contextId, details, errors}. */
export const ErrorBodySchema = z.looseObject({
  message: z.string().optional(),
  code: z.string().optional(),
  status: z.number().optional(),
  contextId: z.string().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

const PresenceDefinitionRefSchema = z.looseObject({ id: z.string().min(1), systemPresence: z.string().optional() });

export const UserPresenceSchema = z.looseObject({
  presenceDefinition: PresenceDefinitionRefSchema,
  message: z.string().optional(),
  modifiedDate: z.string().optional(),
  source: z.string().optional(),
  primary: z.boolean().optional(),
});
export type UserPresence = z.infer<typeof UserPresenceSchema>;

export const RoutingStatusSchema = z.looseObject({ status: z.string().min(1), startTime: z.string().optional() });
export type RoutingStatus = z.infer<typeof RoutingStatusSchema>;

export const UserSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  email: z.string().optional(),
  presence: UserPresenceSchema.optional(),
  routingStatus: RoutingStatusSchema.optional(),
});
export type User = z.infer<typeof UserSchema>;

export const PresenceDefinitionSchema = z.looseObject({
  id: z.string().min(1),
  systemPresence: z.string().min(1),
  languageLabels: z.record(z.string(), z.string()).optional(),
  deactivated: z.boolean().optional(),
  primary: z.boolean().optional(),
});
export type PresenceDefinition = z.infer<typeof PresenceDefinitionSchema>;
export const PresenceDefinitionsSchema = z.looseObject({ entities: z.array(PresenceDefinitionSchema) });

export const ParticipantSchema = z.looseObject({
  id: z.string().optional(),
  purpose: z.string().optional(),
  userId: z.string().optional(),
  state: z.string().optional(),
  direction: z.string().optional(),
  ani: z.string().optional(),
  dnis: z.string().optional(),
  connectedTime: z.string().optional(),
  endTime: z.string().optional(),
});
export type Participant = z.infer<typeof ParticipantSchema>;
export const ConversationSchema = z.looseObject({ id: z.string().min(1), participants: z.array(ParticipantSchema).default([]) });
export type Conversation = z.infer<typeof ConversationSchema>;
export const ConversationsSchema = z.looseObject({ entities: z.array(ConversationSchema) });

/** POST /api/v2/notifications/channels → {connectUri, id, expires}. */
export const ChannelSchema = z.looseObject({ id: z.string().min(1), connectUri: z.string().min(1), expires: z.string().optional() });
export type Channel = z.infer<typeof ChannelSchema>;

/** One streaming frame: a topic event, or a bare result ({"result":"404"}: channel gone). */
export const FrameSchema = z.looseObject({
  topicName: z.string().optional(),
  version: z.string().optional(),
  eventBody: z.unknown().optional(),
  result: z.union([z.string(), z.number()]).optional(),
  message: z.string().optional(),
});
export type Frame = z.infer<typeof FrameSchema>;

/** The presence event body: {source, presenceDefinition:{id, systemPresence}, primary, message, modifiedDate}. */
export const PresenceEventSchema = UserPresenceSchema;
/** The routing-status event body: {id, routingStatus:{status, startTime}}. */
export const RoutingStatusEventSchema = z.looseObject({ id: z.string().optional(), routingStatus: RoutingStatusSchema });
/** The conversations event body: one conversation with its participants. */
export const ConversationEventSchema = ConversationSchema;

export function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = result.error.issues.slice(0, 3).map((i) => i.path.join('.') || '(root)');
  throw new PatchbayError('genesys-cloud.bad-response', `Genesys Cloud sent ${what} Patchbay could not read.`, {
    action: 'retry',
    details: { what, fields: fields.join(',') },
  });
}

/** A text frame from the socket → a Frame, or a typed error (never a throw of JSON.parse's own). */
export function parseFrame(text: string): Frame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PatchbayError('genesys-cloud.notifications.bad-frame', 'Genesys Cloud sent a notification Patchbay could not read.', { action: 'none' });
  }
  return parseWith(FrameSchema, json, 'a notification');
}

/** What a frame means to the session (protocols/genesys-cloud.md §2). */
export type FrameKind =
  | { kind: 'heartbeat' }
  | { kind: 'pong' }
  | { kind: 'socket-closing' }
  | { kind: 'token-revoked' }
  | { kind: 'no-longer-subscribed' }
  | { kind: 'channel-gone'; result: string }
  | { kind: 'event'; topic: string; body: unknown }
  | { kind: 'other' };

export function classifyFrame(frame: Frame): FrameKind {
  const topic = frame.topicName ?? '';
  if (frame.result !== undefined && topic === '') return { kind: 'channel-gone', result: String(frame.result) };
  if (topic === 'channel.metadata') {
    const message = (frame.eventBody as { message?: unknown } | undefined)?.message;
    if (message === 'pong') return { kind: 'pong' };
    return { kind: 'heartbeat' };
  }
  if (topic === 'v2.system.socket_closing') return { kind: 'socket-closing' };
  if (topic.startsWith('v2.system.token_revoked')) return { kind: 'token-revoked' };
  if (topic.startsWith('v2.system.no_longer_subscribed')) return { kind: 'no-longer-subscribed' };
  if (topic.startsWith('v2.')) return { kind: 'event', topic, body: frame.eventBody };
  return { kind: 'other' };
}
