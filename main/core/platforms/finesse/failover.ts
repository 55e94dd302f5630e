// Finesse A/B failover before a notification-channel reconnect (protocols/finesse.md §5): check
// SystemInfo here; OUT_OF_SERVICE → wait for IN_SERVICE (or fail over once it lasts); unreachable →
// the other node, REST and XMPP together.
import type { Clock } from '../../clock.ts';
import type { Logger } from '../../log.ts';
import type { HttpSession } from '../../net/http-session.ts';
import { fetchSystemInfo, hostOf, PROBE_TIMEOUT_MS } from './discovery.ts';
import { IN_SERVICE, type SystemInfo } from './wire.ts';

export const OUT_OF_SERVICE_POLL_MS = 2_000;

export interface FailoverContext {
  http: HttpSession;
  clock: Clock;
  log: Logger;
  nodes: readonly string[];
  nodeIndex: number;
  outOfServiceFailoverMs: number;
  /** Kept by the session across attempts: since when this node has said OUT_OF_SERVICE. */
  outOfService: { since?: number | undefined };
  /** This node (index unchanged) or another one answered IN_SERVICE. */
  onInService: (index: number, info: SystemInfo) => void;
  /** Tell the screen what happens next (host and time of the next attempt). */
  onWaiting: (nextAttemptAt: number, index: number) => void;
}

/** Resolves when the channel may try again, on the node `onInService` chose (if any). */
export async function checkNodesBeforeReconnect(ctx: FailoverContext, signal: AbortSignal): Promise<void> {
  const { clock, nodes } = ctx;
  let index = ctx.nodeIndex;
  for (;;) {
    let here: SystemInfo | undefined;
    try {
      here = await fetchSystemInfo(ctx.http, nodes[index]!, PROBE_TIMEOUT_MS, signal);
    } catch (error) {
      if (signal.aborted) throw error;
    }
    if (here?.status === IN_SERVICE) {
      ctx.outOfService.since = undefined;
      ctx.onInService(index, here);
      return;
    }
    if (here) ctx.outOfService.since ??= clock.now();
    const mayLeave = !here || clock.now() - (ctx.outOfService.since ?? 0) >= ctx.outOfServiceFailoverMs;
    if (mayLeave && nodes.length > 1) {
      for (let step = 1; step < nodes.length; step++) {
        const other = (index + step) % nodes.length;
        try {
          const info = await fetchSystemInfo(ctx.http, nodes[other]!, PROBE_TIMEOUT_MS, signal);
          if (info.status === IN_SERVICE) {
            ctx.log.warn('finesse.failover', { from: hostOf(nodes[index]!), to: hostOf(nodes[other]!) });
            index = other;
            ctx.outOfService.since = undefined;
            ctx.onInService(index, info);
            ctx.onWaiting(clock.now(), index);
            return;
          }
        } catch (error) {
          if (signal.aborted) throw error;
        }
      }
    }
    if (!here) return; // unreachable everywhere: let the channel's schedule retry
    // OUT_OF_SERVICE: keep waiting for IN_SERVICE.
    ctx.onWaiting(clock.now() + OUT_OF_SERVICE_POLL_MS, index);
    await clock.sleep(OUT_OF_SERVICE_POLL_MS, signal);
  }
}
