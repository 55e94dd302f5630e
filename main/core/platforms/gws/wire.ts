// GWS API v2 wire types (shared/protocols/gws.md §2–3): statusCode envelopes, /api/v2/me, channels,
// calls, agent-state settings and the CometD notification payloads. Lenient where servers vary
// (extra fields, optional sub-objects), strict where the client depends on a value (statusCode).
import { z } from 'zod';

/** GWS statusCode values (protocols/gws.md §2). */
export const STATUS = {
  ok: 0,
  missingParameter: 1,
  invalidForState: 2,
  forbidden: 3,
  internalError: 4,
  noPermission: 5,
  notFound: 6,
  partialSuccess: 7,
  passwordChangeRequired: 8,
  processingIncomplete: 9,
  validationError: 10,
  readOnly: 11,
  notAuthenticated: 20,
} as const;

/** Every GWS answer carries statusCode (+ statusMessage on errors). */
export const EnvelopeSchema = z.object({ statusCode: z.number().int(), statusMessage: z.string().optional() }).loose();
export type Envelope = z.infer<typeof EnvelopeSchema>;

/** userState of a channel or device: the agent's state on it. */
export const UserStateSchema = z
  .object({
    id: z.string().optional(),
    state: z.string(),
    displayName: z.string().optional(),
    reason: z.string().optional(),
    workMode: z.string().optional(),
  })
  .loose();
export type UserState = z.infer<typeof UserStateSchema>;

export const ChannelSchema = z.object({ channel: z.string(), userState: UserStateSchema.optional() }).loose();
export type Channel = z.infer<typeof ChannelSchema>;

export const DeviceSchema = z
  .object({ id: z.string().optional(), deviceState: z.string().optional(), phoneNumber: z.string().optional(), userState: UserStateSchema.optional() })
  .loose();

/** One entry of the agent-states settings: a state the agent may pick, a NotReady reason among them. */
export const AgentStateSettingSchema = z
  .object({
    id: z.string().optional(),
    name: z.string().optional(),
    state: z.string(),
    displayName: z.string().optional(),
    reason: z.string().optional(),
    /** The custom operation name that selects this state (protocols/gws.md §2). */
    operationName: z.string().optional(),
    workMode: z.string().optional(),
  })
  .loose();
export type AgentStateSetting = z.infer<typeof AgentStateSettingSchema>;

/** settings["agent-states"]: a list, or an object keyed by the entry's name (both seen in GWS docs). */
const AgentStatesSettingsSchema = z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]);

export const UserSchema = z
  .object({
    id: z.string().optional(),
    userName: z.string().min(1),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    roles: z.array(z.string()).optional(),
    changePasswordOnFirstLogin: z.boolean().optional(),
    devices: z.array(DeviceSchema).optional(),
    channels: z.array(ChannelSchema).optional(),
    settings: z.record(z.string(), z.unknown()).optional(),
    calls: z.array(z.unknown()).optional(),
  })
  .loose();
export type GwsUser = z.infer<typeof UserSchema>;

/** GET /api/v2/me[?subresources=*]. `user` is absent for an anonymous caller (GWS-05). */
export const MeSchema = EnvelopeSchema.extend({
  user: z.unknown().optional(),
  // Some releases put the sub-resources beside the user rather than inside it.
  devices: z.array(DeviceSchema).optional(),
  channels: z.array(ChannelSchema).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

export const ChannelsSchema = EnvelopeSchema.extend({ channels: z.array(ChannelSchema).optional() });

export const CallSchema = z
  .object({
    id: z.string().min(1),
    state: z.string().default('Unknown'),
    callType: z.string().optional(),
    ani: z.string().optional(),
    dnis: z.string().optional(),
    participants: z.array(z.object({ phoneNumber: z.string().optional(), number: z.string().optional() }).loose()).optional(),
  })
  .loose();
export type GwsCall = z.infer<typeof CallSchema>;
export const CallsSchema = EnvelopeSchema.extend({ calls: z.array(z.unknown()).optional() });

/** StartContactCenterSession partial success (statusCode 7): per-channel results. */
const ChannelResultSchema = z
  .object({ channel: z.string().optional(), name: z.string().optional(), statusCode: z.number().int().optional(), statusMessage: z.string().optional(), error: z.string().optional() })
  .loose();
export const StartSessionResultSchema = EnvelopeSchema.extend({
  channels: z.array(ChannelResultSchema).optional(),
  results: z.array(ChannelResultSchema).optional(),
  failedChannels: z.array(z.union([z.string(), ChannelResultSchema])).optional(),
});

/** A CometD message's data (protocols/gws.md §3). */
export const NotificationSchema = z
  .object({
    messageType: z.string(),
    notificationType: z.string().optional(),
    channels: z.array(ChannelSchema).optional(),
    devices: z.array(DeviceSchema).optional(),
    channel: z.union([z.string(), ChannelSchema]).optional(),
    device: DeviceSchema.optional(),
    userState: UserStateSchema.optional(),
    call: z.unknown().optional(),
  })
  .loose();
export type GwsNotification = z.infer<typeof NotificationSchema>;

/** The voice channel's userState in a channels list, a devices list or a me. */
export function voiceUserState(source: { channels?: Channel[] | undefined; devices?: { userState?: UserState | undefined }[] | undefined }): UserState | undefined {
  const channel = source.channels?.find((c) => c.channel.toLowerCase() === 'voice') ?? (source.channels?.length === 1 ? source.channels[0] : undefined);
  if (channel?.userState) return channel.userState;
  return source.devices?.find((d) => d.userState)?.userState;
}

/** The agent-states settings from a me?subresources=* (settings["agent-states"], or
 *  settings["agent-states"] inside user): entries that parse, invalid ones dropped. */
export function agentStateSettings(settings: Record<string, unknown> | undefined): AgentStateSetting[] {
  const raw = settings?.['agent-states'] ?? settings?.agentStates;
  const parsed = AgentStatesSettingsSchema.safeParse(raw);
  if (!parsed.success) return [];
  const entries: [string | undefined, unknown][] = Array.isArray(parsed.data) ? parsed.data.map((v) => [undefined, v]) : Object.entries(parsed.data);
  const out: AgentStateSetting[] = [];
  for (const [key, value] of entries) {
    const entry = AgentStateSettingSchema.safeParse(value);
    if (!entry.success) continue;
    out.push({ ...entry.data, ...(entry.data.name === undefined && key !== undefined ? { name: key } : {}) });
  }
  return out;
}

/** Parse a JSON body as a GWS envelope; undefined when it is not one. */
export function envelopeOf(json: unknown): Envelope | undefined {
  const parsed = EnvelopeSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** Calls that parse (a malformed entry is dropped, never fatal). */
export function parseCalls(list: unknown[] | undefined): GwsCall[] {
  const out: GwsCall[] = [];
  for (const item of list ?? []) {
    const parsed = CallSchema.safeParse(item);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}
