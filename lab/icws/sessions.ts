// ICWS sessions on the lab: creation (cookie value, CSRF token), the cookie + CSRF check of every
// session call [ICWS-04], the inactivity timeout [ICWS-15], and the end of a session that stays
// describable by GET …/connection for a while [ICWS-17, ICWS-18].
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { icwsErrors } from './errors.ts';
import type { LabUser } from './fixture.ts';
import { firstHeader, parseCookies } from './http-io.ts';
import { MSG_CONNECTION_STATE, closeStream, writeEvent } from './messaging.ts';
import { fail, sameSecret } from './request.ts';
import type { Ctx } from './request.ts';
import { localise } from './texts.ts';
import type { LabSessionSummary, Session } from './types.ts';

export interface SessionTableConfig {
  /** ICWS-15: 2 minutes on a real server. */
  inactivityTimeoutMs: number;
  endedSessionRetentionMs: number;
}

export interface SessionTable {
  readonly map: Map<string, Session>;
  create(user: LabUser, language: string): Session;
  /** Resets the inactivity timer [ICWS-15]. */
  touch(session: Session): void;
  end(session: Session, reason: string, shouldReconnect: boolean | undefined): void;
  /** Gone at once (DELETE …/connection, a replaced source session, shutdown). */
  forget(session: Session): void;
  /** Checks cookie and CSRF header of a session call [ICWS-04]; records the facts. */
  authenticate(ctx: Ctx, sessionId: string, csrf: 'required' | 'if-present'): Session | undefined;
}

export function summary(session: Session): LabSessionSummary {
  const s: LabSessionSummary = {
    sessionId: session.id,
    userId: session.userId,
    language: session.language,
    connectionState: session.state === 'up' ? 1 : 2,
    messaging: session.sse ? 'sse' : session.polled ? 'polling' : 'none',
    sseOpen: session.sse !== null,
    heartbeatMode: session.heartbeatMode,
    subscribedUserIds: [...(session.subscribedUserIds ?? [])],
    queuedMessages: session.queue.length,
    createdAt: new Date(session.createdAt).toISOString(),
    lastActivityAt: new Date(session.lastActivity).toISOString(),
  };
  if (session.reason !== undefined) s.reason = session.reason;
  if (session.shouldReconnect !== undefined) s.shouldReconnect = session.shouldReconnect;
  return s;
}

export function createSessionTable(config: SessionTableConfig): SessionTable {
  const sessions = new Map<string, Session>();

  function newSessionId(): string {
    for (;;) {
      const id = String(randomInt(10_000_000, 99_999_999));
      if (!sessions.has(id)) return id;
    }
  }

  /** An open SSE stream keeps the session alive unless the client asked for the heartbeat option
   *  (seed 000, option 3), which then needs heartbeats. */
  function touch(session: Session): void {
    session.lastActivity = Date.now();
    if (session.inactivityTimer) clearTimeout(session.inactivityTimer);
    session.inactivityTimer = null;
    if (session.state !== 'up') return;
    if (session.sse && !session.heartbeatMode) return;
    session.inactivityTimer = setTimeout(() => {
      end(session, localise(session.language, 'inactivityTimeout'), true);
    }, config.inactivityTimeoutMs);
    session.inactivityTimer.unref();
  }

  function end(session: Session, reason: string, shouldReconnect: boolean | undefined): void {
    if (session.state !== 'up') return;
    if (session.sse) {
      writeEvent(session.sse, {
        __type: MSG_CONNECTION_STATE,
        previousConnectionState: 1,
        newConnectionState: 2,
        reason,
        ...(shouldReconnect === undefined ? {} : { shouldReconnect }),
      });
    }
    closeStream(session);
    session.state = 'down';
    session.reason = reason;
    if (shouldReconnect === undefined) delete session.shouldReconnect;
    else session.shouldReconnect = shouldReconnect;
    session.queue = [];
    session.subscribedUserIds = null;
    if (session.inactivityTimer) clearTimeout(session.inactivityTimer);
    session.inactivityTimer = null;
    session.retentionTimer = setTimeout(() => sessions.delete(session.id), config.endedSessionRetentionMs);
    session.retentionTimer.unref();
  }

  function forget(session: Session): void {
    closeStream(session);
    session.state = 'down';
    if (session.inactivityTimer) clearTimeout(session.inactivityTimer);
    if (session.retentionTimer) clearTimeout(session.retentionTimer);
    sessions.delete(session.id);
  }

  function create(user: LabUser, language: string): Session {
    const session: Session = {
      id: newSessionId(),
      userId: user.userId,
      language,
      cookieValue: `${randomUUID()}|languageId=${language}`,
      csrfToken: randomBytes(24).toString('base64'),
      state: 'up',
      queue: [],
      subscribedUserIds: null,
      sse: null,
      pingTimer: null,
      heartbeatMode: false,
      polled: false,
      inactivityTimer: null,
      retentionTimer: null,
      createdAt: Date.now(),
      lastActivity: Date.now(),
    };
    sessions.set(session.id, session);
    touch(session);
    return session;
  }

  function authenticate(ctx: Ctx, sessionId: string, csrf: 'required' | 'if-present'): Session | undefined {
    const session = sessions.get(sessionId);
    const cookie = parseCookies(firstHeader(ctx.req.headers.cookie)).get(`icws_${sessionId}`);
    const csrfHeader = firstHeader(ctx.req.headers['inin-icws-csrf-token']);
    const cookieValid = session !== undefined && cookie !== undefined && sameSecret(cookie, session.cookieValue);
    const csrfValid = session !== undefined && csrfHeader !== undefined && sameSecret(csrfHeader, session.csrfToken);
    if (ctx.record) {
      ctx.record.sessionId = sessionId;
      ctx.record.hadCookie = cookie !== undefined;
      ctx.record.cookieValid = cookieValid;
      ctx.record.hadCsrfHeader = csrfHeader !== undefined;
      ctx.record.csrfValid = csrfValid;
    }
    if (!session || !cookieValid) {
      fail(ctx, icwsErrors.sessionRequired());
      return undefined;
    }
    // EventSource cannot set headers, so the messages call may omit CSRF — but a sent one must match.
    if (csrf === 'required' ? !csrfValid : csrfHeader !== undefined && !csrfValid) {
      fail(ctx, icwsErrors.csrfTokenRequired());
      return undefined;
    }
    return session;
  }

  return { map: sessions, create, touch, end, forget, authenticate };
}
