// What a Finesse session knows of its agent (protocols/finesse.md §4): the loginId every REST call
// uses (FIN-10), the extension, the last User read or notified, the reason codes, and the dialogs.
// Every change reaches the view through the session's reducer (`dispatch`).
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { agentStateOf, selectableStates } from './agent-state.ts';
import type { FinesseAction } from './reducer.ts';
import { fetchDialogs, fetchReasonCodes, fetchUser, type Rest } from './user.ts';
import type { FinesseDialog, FinesseUser, ReasonCode } from './wire.ts';

export interface AgentRecordDeps {
  rest: Rest;
  log: Logger;
  dispatch(action: FinesseAction): void;
  /** Each User read or notified (settles the state-change waiters). */
  onUser(user: FinesseUser): void;
}

export class AgentRecord {
  private readonly deps: AgentRecordDeps;
  /** FIN-10: the loginId every REST call uses after sign-in. */
  userId: string | undefined;
  extension: string | undefined;
  lastUser: FinesseUser | undefined;
  codes: { notReady: ReasonCode[]; logout: ReasonCode[] } = { notReady: [], logout: [] };
  /** Issue 9 item 9: no node in service, so nothing confirms the state (shown as not current). */
  private stale = false;

  constructor(deps: AgentRecordDeps) {
    this.deps = deps;
  }

  /** FIN-10: GET User/<loginName> → loginId, used for every later call (UCCE; same on UCCX). */
  async lookup(name: string, signal?: AbortSignal): Promise<FinesseUser> {
    const user = await fetchUser(this.deps.rest, name, { signal, unauthorized: 'sign-in' });
    this.userId = user.loginId ?? name;
    this.lastUser = user;
    return user;
  }

  requireUserId(): string {
    if (!this.userId) throw new PatchbayError('session.not-active', 'Sign in first.', { action: 'sign-in-again' });
    return this.userId;
  }

  async loadReasonCodes(): Promise<void> {
    this.codes = await fetchReasonCodes(this.deps.rest, this.requireUserId());
    this.deps.dispatch({ type: 'states', states: selectableStates(this.codes.notReady, this.codes.logout) });
  }

  async readUser(): Promise<FinesseUser> {
    const user = await fetchUser(this.deps.rest, this.requireUserId());
    this.applyUser(user);
    return user;
  }

  /** The agent's current dialogs (§4 GET User/{id}/Dialogs); notifications keep them current after. A
   *  failure only leaves the list to the notifications: it must not fail a sign-in or a reconnect. */
  async readDialogs(): Promise<void> {
    this.applyDialogs(await this.fetchDialogsQuietly());
  }

  async fetchDialogsQuietly(): Promise<FinesseDialog[] | undefined> {
    try {
      return await fetchDialogs(this.deps.rest, this.requireUserId());
    } catch (error) {
      this.deps.log.warn('finesse.dialogs.read-failed', { code: toPatchbayError(error).code });
      return undefined;
    }
  }

  applyDialogs(dialogs: FinesseDialog[] | undefined): void {
    if (dialogs) this.deps.dispatch({ type: 'dialogs', dialogs, extension: this.extension, replace: true });
  }

  /** A User read or notified: merged into the last one (a notification may carry no roles). */
  applyUser(user: FinesseUser): void {
    this.lastUser = { ...this.lastUser, ...user, roles: user.roles.length ? user.roles : (this.lastUser?.roles ?? []) };
    if (user.extension) this.extension = user.extension;
    this.showAgent();
    this.deps.onUser(user);
  }

  /** While the session is degraded the agent's state is shown, but not as live (never a green Ready). */
  setStale(stale: boolean): void {
    if (stale === this.stale) return;
    this.stale = stale;
    this.showAgent();
  }

  private showAgent(): void {
    if (!this.lastUser) return;
    const agent = agentStateOf(this.lastUser, [...this.codes.notReady, ...this.codes.logout]);
    this.deps.dispatch({ type: 'agent', agent: this.stale ? { ...agent, stale: true } : agent });
  }
}
