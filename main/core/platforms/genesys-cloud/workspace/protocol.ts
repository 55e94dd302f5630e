// The embedded component's postMessage protocol (seed 004 §4): messages validated with zod, and a pure
// handshake state machine. GC-10: state messages are believed only after the host has acked `ready`.
// GC-06: a message is considered only if its origin is the exact component origin AND it came from the
// component's own frame; everything else is ignored (and reported once per kind, for the log).
import { z } from 'zod';
import { isAllowedOrigin, type WorkspaceOrigins } from './origins.ts';

const P = 'genesys-cloud-embed:';

export const ComponentMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal(`${P}ready`) }).strict(),
  z.object({ type: z.literal(`${P}session-start`), userId: z.string().min(1).max(128) }).strict(),
  z.object({ type: z.literal(`${P}queue-position`), position: z.number().int().min(0), total: z.number().int().min(0) }).strict(),
  z.object({ type: z.literal(`${P}interaction-end`), interactionId: z.string().min(1).max(128) }).strict(),
  z.object({ type: z.literal(`${P}token-expiring`), expiresInSeconds: z.number().int().min(0).optional() }).strict(),
  z.object({ type: z.literal(`${P}error`), error: z.string().max(200) }).strict(),
]);
export type ComponentMessage = z.infer<typeof ComponentMessageSchema>;

export type WorkspacePhase = 'waiting-ready' | 'waiting-session' | 'active' | 'renewing' | 'degraded' | 'closed';

/** Derived state: safe for the renderer (never a token). */
export interface WorkspaceView {
  readonly phase: WorkspacePhase;
  readonly userId?: string;
  readonly queue?: { readonly position: number; readonly total: number };
  readonly lastInteractionEnded?: string;
  readonly message?: string;
}

export type IgnoredKind = 'wrong-origin' | 'wrong-source' | 'malformed' | 'replayed-ready' | 'before-ack' | 'after-close';

/** What the host must do after a step. */
export type Effect =
  | { kind: 'send-ack' }
  | { kind: 'send-token' } // host fetches accessToken({fresh:true}) (GC-05) and posts it to the component origin
  | { kind: 'renew-token' }
  | { kind: 'ignored'; reason: IgnoredKind };

export interface Incoming {
  readonly origin: unknown;
  /** True when event.source is the component frame's window (checked by the host, which holds the frame). */
  readonly fromComponentFrame: boolean;
  readonly data: unknown;
}

export const initialView: WorkspaceView = { phase: 'waiting-ready' };

/** One step of the handshake machine: pure, never throws. */
export function step(view: WorkspaceView, origins: WorkspaceOrigins, msg: Incoming): { view: WorkspaceView; effects: Effect[] } {
  const ignore = (reason: IgnoredKind) => ({ view, effects: [{ kind: 'ignored', reason } as Effect] });
  if (!isAllowedOrigin(origins, msg.origin)) return ignore('wrong-origin'); // GC-06
  if (!msg.fromComponentFrame) return ignore('wrong-source'); // GC-06: right origin, other frame
  if (view.phase === 'closed') return ignore('after-close');
  const parsed = ComponentMessageSchema.safeParse(msg.data);
  if (!parsed.success) return ignore('malformed');
  const m = parsed.data;
  if (m.type === `${P}ready`) {
    if (view.phase !== 'waiting-ready') return ignore('replayed-ready');
    // GC-10: ack, then hand over a fresh token (GC-05).
    return { view: { phase: 'waiting-session' }, effects: [{ kind: 'send-ack' }, { kind: 'send-token' }] };
  }
  if (view.phase === 'waiting-ready') return ignore('before-ack'); // GC-10: nothing believed before ack
  switch (m.type) {
    case `${P}session-start`:
      return { view: { ...view, phase: 'active', userId: m.userId, message: undefined }, effects: [] };
    case `${P}queue-position`:
      return { view: { ...view, queue: { position: m.position, total: m.total } }, effects: [] };
    case `${P}interaction-end`:
      return { view: { ...view, lastInteractionEnded: m.interactionId }, effects: [] };
    case `${P}token-expiring`:
      return { view: { ...view, phase: 'renewing' }, effects: [{ kind: 'renew-token' }] };
    case `${P}error`:
      // The seed's stale-token refusal ("AuthenticationError: 401") → renew once via the host.
      return { view: { ...view, phase: 'renewing' }, effects: [{ kind: 'renew-token' }] };
  }
}

/** Host outcomes fed back into the machine. */
export function renewed(view: WorkspaceView): WorkspaceView {
  return view.phase === 'renewing' ? { ...view, phase: view.userId ? 'active' : 'waiting-session' } : view;
}
export function degrade(view: WorkspaceView, message: string): WorkspaceView {
  return { ...view, phase: 'degraded', message };
}
export function readyTimedOut(view: WorkspaceView): WorkspaceView {
  return view.phase === 'waiting-ready'
    ? degrade(view, 'The Genesys workspace did not start. Sign in again or try later.')
    : view;
}
export function close(view: WorkspaceView): WorkspaceView {
  return { ...view, phase: 'closed' };
}

/** Messages the host sends; always posted with targetOrigin = origins.component, never '*' (GC-07). */
export const ackMessage = { type: 'ack', status: 'received' } as const;
export function tokenMessage(accessToken: string): { type: string; accessToken: string } {
  return { type: `${P}token`, accessToken };
}
