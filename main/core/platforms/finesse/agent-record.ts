// What a Finesse session knows of its agent (protocols/finesse.md §4): the loginId every REST call
// uses (FIN-10), the extension, the last User read or notified, the reason codes, and the dialogs.
// Every change reaches the view through the session's reducer (`dispatch`).
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { Freshness, type ReadTicket } from '../freshness.ts';
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

/** A Dialogs notification, kept to apply again on a list read that was out when it came. */
interface DialogsNotice {
  dialogs: FinesseDialog[];
  event: string | undefined;
}

/** A Dialogs read: the list (undefined when it failed) and what came over XMPP meanwhile. */
export interface DialogsRead {
  readonly dialogs: FinesseDialog[] | undefined;
  readonly ticket: ReadTicket<'user', DialogsNotice>;
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
  /** A read's answer never puts back a User or a call older than a notification that came meanwhile. */
  private readonly freshness = new Freshness<'user', DialogsNotice>();

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

  /** GET User. A User notification that came while the read was out is newer: it stays on screen,
   *  and the read still settles the state-change waiters it answers. */
  async readUser(): Promise<FinesseUser> {
    return this.freshness.read(async (ticket) => {
      const user = await fetchUser(this.deps.rest, this.requireUserId());
      if (this.freshness.current(ticket, 'user')) this.applyUser(user);
      else this.deps.onUser(user);
      return user;
    });
  }

  /** A User notification (§5). */
  notifiedUser(user: FinesseUser): void {
    this.freshness.event('user');
    this.applyUser(user);
  }

  /** A Dialogs notification (§5): shown now, and again on top of any list read still out. */
  notifiedDialogs(dialogs: FinesseDialog[], event: string | undefined): void {
    this.freshness.item({ dialogs, event });
    this.deps.dispatch({ type: 'dialogs', dialogs, extension: this.extension, event });
  }

  /** The agent's current dialogs (§4 GET User/{id}/Dialogs); notifications keep them current after. A
   *  failure only leaves the list to the notifications: it must not fail a sign-in or a reconnect. */
  async readDialogs(): Promise<void> {
    this.applyDialogs(await this.fetchDialogsQuietly());
  }

  /** Every read is given to `applyDialogs` (or `discardDialogs`), or its notices pile up. */
  async fetchDialogsQuietly(): Promise<DialogsRead> {
    const ticket = this.freshness.begin();
    try {
      return { dialogs: await fetchDialogs(this.deps.rest, this.requireUserId()), ticket };
    } catch (error) {
      this.deps.log.warn('finesse.dialogs.read-failed', { code: toPatchbayError(error).code });
      return { dialogs: undefined, ticket };
    }
  }

  /** The list replaces the calls, then the notifications that came while it was out apply again. */
  applyDialogs(read: DialogsRead): void {
    this.freshness.end(read.ticket);
    if (!read.dialogs) return;
    this.deps.dispatch({ type: 'dialogs', dialogs: read.dialogs, extension: this.extension, replace: true });
    for (const notice of read.ticket.items) this.deps.dispatch({ type: 'dialogs', dialogs: notice.dialogs, extension: this.extension, event: notice.event });
  }

  discardDialogs(read: DialogsRead): void {
    this.freshness.end(read.ticket);
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
