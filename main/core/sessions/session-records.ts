// What the SessionManager keeps for Export diagnostics (DESIGN.md "diagnostics/"): the last session
// state transitions and the request traces of live and recently ended sessions. Bookkeeping only.
import type { SessionState } from '../../../preload/contract.ts';
import type { ProfileTraces, SessionTransition } from '../diagnostics/export.ts';
import type { Logger } from '../log.ts';
import type { HttpSession } from '../net/http-session.ts';

/** Ended sessions whose traces are kept. */
const TRACE_HISTORY = 8;
const DEFAULT_TRANSITION_HISTORY = 200;

/** A transition = a change of phase, agent state, error, reconnect attempt or server (not every snapshot). */
export function transitionKey(s: SessionState | undefined): string {
  return s ? `${s.phase}|${s.agent?.stateId ?? ''}|${s.lastError?.code ?? ''}|${s.connection?.reconnectAttempt ?? ''}|${s.server ?? ''}` : '';
}

/** The transition a new snapshot makes, or undefined when it makes none. A first signed-out snapshot
 *  without an error is where every profile starts, not a transition. */
export function transitionOf(previous: SessionState | undefined, state: SessionState): SessionTransition | undefined {
  if (previous && transitionKey(previous) === transitionKey(state)) return undefined;
  if (!previous && state.phase === 'signed-out' && !state.lastError) return undefined;
  return {
    at: state.updatedAt,
    profileId: state.profileId,
    platform: state.platform,
    phase: state.phase,
    ...(state.server ? { server: state.server } : {}),
    ...(state.agent ? { agentState: state.agent.stateId } : {}),
    ...(state.lastError ? { errorCode: state.lastError.code } : {}),
    ...(state.connection?.reconnectAttempt !== undefined ? { reconnectAttempt: state.connection.reconnectAttempt } : {}),
  };
}

export class SessionRecords {
  private readonly log: Logger;
  private readonly cap: number;
  private readonly transitions: SessionTransition[] = [];
  private readonly httpSessions = new Map<string, Set<HttpSession>>();
  private readonly pastTraces: ProfileTraces[] = [];

  constructor(log: Logger, transitionHistory = DEFAULT_TRANSITION_HISTORY) {
    this.log = log;
    this.cap = transitionHistory;
  }

  /** Records the transition `state` makes after `previous`, if it makes one. */
  record(previous: SessionState | undefined, state: SessionState): void {
    const transition = transitionOf(previous, state);
    if (!transition) return;
    this.transitions.push(transition);
    while (this.transitions.length > this.cap) this.transitions.shift();
    // Also in the log files, so `patchbay diagnostics` can show them when the app is not running.
    this.log.info('session.transition', { ...transition });
  }

  /** A live session's HTTP client, whose trace diagnostics read. */
  track(profileId: string, http: HttpSession): void {
    let set = this.httpSessions.get(profileId);
    if (!set) this.httpSessions.set(profileId, (set = new Set()));
    set.add(http);
  }

  /** The profile's session ended: keep its traces (a few sessions back). */
  retire(profileId: string): void {
    for (const http of this.httpSessions.get(profileId) ?? []) {
      this.pastTraces.push({ profileId, entries: http.trace });
      if (this.pastTraces.length > TRACE_HISTORY) this.pastTraces.shift();
    }
    this.httpSessions.delete(profileId);
  }

  /** The last session-state transitions, oldest first (Export diagnostics). */
  recentTransitions(): SessionTransition[] {
    return this.transitions.map((t) => ({ ...t }));
  }

  /** Request traces of live sessions and of the last few ended ones (Export diagnostics). */
  recentTraces(): ProfileTraces[] {
    const live: ProfileTraces[] = [];
    for (const [profileId, set] of this.httpSessions) {
      for (const http of set) live.push({ profileId, entries: http.trace });
    }
    return [...this.pastTraces, ...live];
  }
}
