// Contract: a session's state as the renderer sees it — phase, agent state, calls, connection. No secrets.
import { z } from 'zod';
import { ContractErrorSchema } from './errors.ts';
import { PlatformSchema } from './profiles.ts';

export const PhaseSchema = z.enum(['signed-out', 'signing-in', 'awaiting-user', 'active', 'reconnecting', 'failed']);
export type Phase = z.infer<typeof PhaseSchema>;

export const AgentStateKindSchema = z.enum(['ready', 'not-ready', 'busy', 'logged-out', 'unknown']);
export type AgentStateKind = z.infer<typeof AgentStateKindSchema>;

/** A state the agent can pick (ICWS status message, Finesse state + reason code, …). */
export const SelectableStateSchema = z.object({
  id: z.string().min(1),
  label: z.string(),
  kind: AgentStateKindSchema,
  /** Reason codes that may (or must) go with this state. */
  reasons: z.array(z.object({ id: z.string().min(1), label: z.string() })).default([]),
  reasonRequired: z.boolean().default(false),
  /** Choosing it signs the agent out (Finesse LOGOUT): the app's one sign-out takes it, asking for
   *  its reasons (issue 13 item 6). Other "logged out" statuses (ICWS Gone Home) are just statuses. */
  signsOut: z.boolean().optional(),
});
export type SelectableState = z.infer<typeof SelectableStateSchema>;

export const AgentStateSchema = z.object({
  kind: AgentStateKindSchema,
  /** The platform's own id and label for the state (ICWS statusId / messageText). */
  stateId: z.string(),
  label: z.string(),
  reason: z.string().optional(),
  /** ISO-8601 time the state started, when the platform says. */
  since: z.string().optional(),
  /** A one-click way out of this state the card offers (Genesys Cloud Not Responding → "Back to Idle"). */
  quickAction: z.object({ stateId: z.string().min(1), label: z.string() }).strict().optional(),
  /** True when the platform can no longer confirm this state (the sign-in lapsed): shown as not current. */
  stale: z.boolean().optional(),
});
export type AgentState = z.infer<typeof AgentStateSchema>;

/** A call (Finesse dialog) the agent is on: who, which way, its state — nothing secret. */
export const CallSchema = z
  .object({
    id: z.string(),
    direction: z.enum(['inbound', 'outbound', 'unknown']),
    from: z.string().optional(),
    to: z.string().optional(),
    /** The platform's own state word (Finesse: ALERTING, ACTIVE, HELD, …). */
    state: z.string(),
    /** ISO-8601 time the agent joined the call, when the platform says. */
    since: z.string().optional(),
    /** What the agent may do with the call now, as the platform says (Finesse: the participant's
     *  actions); absent = none offered (issue 13 item 9). */
    actions: z.array(z.enum(['answer', 'hold', 'retrieve', 'release'])).optional(),
  })
  .strict();
export type Call = z.infer<typeof CallSchema>;
export const CALL_ACTIONS = ['answer', 'hold', 'retrieve', 'release'] as const;
export type CallAction = (typeof CALL_ACTIONS)[number];

export const SessionStateSchema = z
  .object({
    profileId: z.string(),
    profileName: z.string(),
    platform: PlatformSchema,
    /** Origin of the server the session is on (ICWS-07), when connected. */
    server: z.string().optional(),
    /** Why that server is not one of the profile's (a Finesse node named by SystemInfo); no secrets. */
    serverNote: z.string().max(200).optional(),
    phase: PhaseSchema,
    userDisplayName: z.string().optional(),
    agent: AgentStateSchema.optional(),
    selectableStates: z.array(SelectableStateSchema).default([]),
    /** signInBy (FIN-14): the agent was asked to sign in again before this time (the refresh token's end). */
    token: z.object({ expiresAt: z.string().optional(), refreshAt: z.string().optional(), signInBy: z.string().optional() }).optional(),
    connection: z
      .object({
        transport: z.enum(['sse', 'polling', 'xmpp', 'cometd', 'websocket', 'none']),
        lastEventAt: z.string().optional(),
        reconnectAttempt: z.number().int().min(0).optional(),
        nextAttemptAt: z.string().optional(),
        nextHost: z.string().optional(),
        /** The platform lets the agent bring the next attempt forward ("Retry now", session.retryNow). */
        retryNow: z.boolean().optional(),
      })
      .optional(),
    lastError: ContractErrorSchema.optional(),
    /** The agent's active calls (Finesse dialogs), when the platform reports them. */
    calls: z.array(CallSchema).optional(),
    /** Monotonic per-profile sequence number; a renderer drops snapshots older than it holds. */
    seq: z.number().int().min(0),
    updatedAt: z.string(),
  })
  .strict();
export type SessionState = z.infer<typeof SessionStateSchema>;

export const NoticeSchema = z.object({
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  profileId: z.string().optional(),
});
export type Notice = z.infer<typeof NoticeSchema>;
