// Contract: the Genesys Cloud embedded workspace pane (issue 12).
import { z } from 'zod';

/** The Genesys Cloud embedded workspace pane (issue 12): derived state only, never a token (GC-04). */
export const WorkspacePhaseSchema = z.enum(['closed', 'opening', 'waiting-ready', 'waiting-session', 'active', 'renewing', 'degraded']);
export const WorkspaceViewSchema = z
  .object({
    profileId: z.string(),
    phase: WorkspacePhaseSchema,
    /** Browser shell only: the host page (its own loopback origin, a one-time nonce, no token) the renderer frames.
     *  Absent in Electron, where main places a WebContentsView over the pane's bounds. */
    frameUrl: z.string().max(2048).optional(),
    userId: z.string().max(128).optional(),
    queue: z.object({ position: z.number().int().min(0), total: z.number().int().min(0) }).strict().optional(),
    lastInteractionEnded: z.string().max(128).optional(),
    /** Plain words for the agent when degraded (with a sign-in action on the pane). */
    message: z.string().max(500).optional(),
    updatedAt: z.string(),
  })
  .strict();
export type WorkspaceView = z.infer<typeof WorkspaceViewSchema>;
export const WorkspaceBoundsSchema = z
  .object({ x: z.number().int().min(0).max(100_000), y: z.number().int().min(0).max(100_000), width: z.number().int().min(0).max(100_000), height: z.number().int().min(0).max(100_000) })
  .strict();
export type WorkspaceBounds = z.infer<typeof WorkspaceBoundsSchema>;
