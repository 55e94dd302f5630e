// Orchestrates one embedded workspace: feeds messages through the pure machine (protocol.ts) and carries
// out its effects over a port the shell provides (an iframe in a host page, or a WebContentsView).
// The token goes only to `port.post(msg, origins.component)` — exact target origin (GC-07) — and never into
// the view the renderer gets (GC-04). Ready timeout (GC-10) and bounded renewals use the injected clock.
import type { Clock, TimerHandle } from '../../../clock.ts';
import type { Logger } from '../../../log.ts';
import { toPatchbayError } from '../../../errors.ts';
import type { WorkspaceOrigins } from './origins.ts';
import { ackMessage, close, degrade, initialView, readyTimedOut, renewed, step, tokenMessage, type IgnoredKind, type Incoming, type WorkspaceView } from './protocol.ts';

export interface WorkspacePort {
  /** Post to the component frame with this exact target origin. */
  post(message: unknown, targetOrigin: string): void;
}

export interface WorkspaceHostDeps {
  origins: WorkspaceOrigins;
  port: WorkspacePort;
  clock: Clock;
  log: Logger;
  /** The session's auth: `fresh: true` renews right before handing over (GC-05). */
  accessToken(options: { fresh: boolean; renew?: boolean }): Promise<string>;
  onView(view: WorkspaceView): void;
  readyTimeoutMs?: number;
  /** Renewal attempts per token-expiring (bounded). */
  maxRenewals?: number;
  retryDelayMs?: number;
}

export class WorkspaceHost {
  #view: WorkspaceView = initialView;
  readonly #deps: WorkspaceHostDeps;
  readonly #loggedIgnored = new Set<IgnoredKind>();
  #readyTimer: TimerHandle | undefined;

  constructor(deps: WorkspaceHostDeps) {
    this.#deps = deps;
    this.#readyTimer = deps.clock.setTimeout(() => this.#set(readyTimedOut(this.#view)), deps.readyTimeoutMs ?? 15_000);
    deps.onView(this.#view);
  }

  get view(): WorkspaceView {
    return this.#view;
  }

  /** Every message the shell's listener receives, with its origin and whether it came from the frame. */
  receive(message: Incoming): void {
    const { view, effects } = step(this.#view, this.#deps.origins, message);
    this.#set(view);
    for (const effect of effects) {
      if (effect.kind === 'ignored') {
        // Logged once per kind: a hostile page must not flood the log. Never the payload (it may hold anything).
        if (!this.#loggedIgnored.has(effect.reason)) this.#deps.log.warn('workspace.message.ignored', { reason: effect.reason });
        this.#loggedIgnored.add(effect.reason);
      } else if (effect.kind === 'send-ack') {
        this.#readyTimer?.cancel();
        this.#deps.port.post(ackMessage, this.#deps.origins.component); // seed 004 §4 handshake
      } else {
        void this.#handOver(effect.kind === 'renew-token');
      }
    }
  }

  close(): void {
    this.#readyTimer?.cancel();
    this.#set(close(this.#view));
  }

  async #handOver(renewal: boolean): Promise<void> {
    const attempts = renewal ? (this.#deps.maxRenewals ?? 3) : 1;
    for (let i = 1; i <= attempts; i++) {
      try {
        // GC-05; on token-expiring a refresh now (seed 004), not the token the component already has.
        const token = await this.#deps.accessToken(renewal ? { fresh: true, renew: true } : { fresh: true });
        if (this.#view.phase === 'closed') return;
        this.#deps.port.post(tokenMessage(token), this.#deps.origins.component);
        this.#set(renewed(this.#view));
        return;
      } catch (error) {
        this.#deps.log.warn('workspace.token.failed', { attempt: i, code: toPatchbayError(error).code });
        if (i < attempts) await this.#deps.clock.sleep((this.#deps.retryDelayMs ?? 2000) * i);
      }
    }
    this.#set(degrade(this.#view, 'Your Genesys Cloud sign-in could not be renewed. Sign in again to reopen the workspace.'));
  }

  #set(view: WorkspaceView): void {
    if (view === this.#view) return;
    this.#view = view;
    this.#deps.onView(view);
  }
}
