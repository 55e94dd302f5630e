// ICWS user statuses on the lab: the status messages and icons, who may use which, reading and
// setting a user's status (a pair's servers share them through the status store), and status
// subscriptions with their full-then-delta messages (shared/protocols/icws.md §3).
import { icwsErrors } from './errors.ts';
import type { LabStatusMessage, LabUser } from './fixture.ts';
import { MSG_USER_STATUS, push } from './messaging.ts';
import { REPLIED, fail, isError, isObject, optionalString, reply, replyEmpty, requiredString } from './request.ts';
import type { Ctx, ReadJson, SessionRoute } from './request.ts';
import type { LabStatusStore } from './status-store.ts';
import { icwsDate } from './texts.ts';
import type { LabUserStatus, Session, UserState } from './types.ts';

export interface StatusChange {
  statusId: string;
  notes?: string;
  forwardNumber?: string;
  until?: string;
}

export interface StatusDeps {
  users: Map<string, LabUser>;
  statuses: LabStatusMessage[];
  statusById: Map<string, LabStatusMessage>;
  userStates: LabStatusStore;
  sessions: Map<string, Session>;
  /** `icServers` of a user status. */
  serverName: string;
  readJson: ReadJson;
  /** IcwsServerOptions.statusMessagesDelayMs. */
  statusMessagesDelayMs?: number;
}

export interface Statuses {
  userStatusJson(userId: string): LabUserStatus;
  applyStatus(userId: string, change: StatusChange): void;
  /** Tells this server's subscribers about a user's (possibly the pair's) status change. */
  pushStatus(userId: string): void;
  routes: SessionRoute[];
}

function svgIcon(status: LabStatusMessage): string {
  const colour = status.isAcdStatus || status.groupTag === 'Available' ? '#2e9d4f' : status.isDoNotDisturbStatus ? '#c62828' : '#e0a100';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><circle cx="8" cy="8" r="7" fill="${colour}"/></svg>`;
}

export function createStatuses(deps: StatusDeps): Statuses {
  const { users, statuses, statusById, userStates, sessions, serverName, readJson, statusMessagesDelayMs = 0 } = deps;
  let nextRequestId = 1;

  function userStatusJson(userId: string): LabUserStatus {
    const state = userStates.get(userId);
    if (!state) throw new Error('unknown user');
    const loggedIn = [...sessions.values()].some((s) => s.state === 'up' && s.userId === userId);
    return {
      userId,
      statusId: state.statusId,
      notes: state.notes,
      forwardNumber: state.forwardNumber,
      ...(state.until === undefined ? {} : { until: state.until }),
      onPhone: false,
      statusChanged: icwsDate(state.statusChanged),
      stations: [...sessions.values()].filter((s) => s.state === 'up' && s.userId === userId && s.station !== undefined).map((s) => s.station!),
      icServers: [serverName],
      loggedIn,
    };
  }

  function applyStatus(userId: string, change: StatusChange): void {
    const next: UserState = {
      statusId: change.statusId,
      notes: change.notes ?? '',
      forwardNumber: change.forwardNumber ?? '',
      statusChanged: new Date(),
    };
    if (change.until !== undefined) next.until = change.until;
    // The store tells every server of the pair, this one included (pushStatus).
    userStates.set(userId, next);
  }

  function pushStatus(userId: string): void {
    if (!users.has(userId)) return;
    // Subscribers learn of the change as a delta carrying only the changed user.
    for (const session of sessions.values()) {
      if (session.state === 'up' && session.subscribedUserIds?.has(userId)) {
        push(session, { __type: MSG_USER_STATUS, isDelta: true, userStatusList: [userStatusJson(userId)] });
      }
    }
  }

  function lookupUser(ctx: Ctx, userId: string): LabUser | undefined {
    const user = users.get(userId);
    if (!user) fail(ctx, icwsErrors.userNotFound(userId));
    return user;
  }

  async function putUserStatus(ctx: Ctx, session: Session, userId: string): Promise<void> {
    const body = await readJson(ctx);
    if (body === REPLIED) return;
    if (!lookupUser(ctx, userId)) return;
    if (userId !== session.userId) {
      fail(ctx, icwsErrors.accessDenied('A user may only set their own status.'));
      return;
    }
    if (!isObject(body)) {
      fail(ctx, icwsErrors.invalidRepresentation('The body must be a user status object.'));
      return;
    }
    const statusId = requiredString(body, 'statusId');
    if (isError(statusId)) return fail(ctx, statusId);
    const notes = optionalString(body, 'notes');
    if (isError(notes)) return fail(ctx, notes);
    const forwardNumber = optionalString(body, 'forwardNumber');
    if (isError(forwardNumber)) return fail(ctx, forwardNumber);
    const until = optionalString(body, 'until');
    if (isError(until)) return fail(ctx, until);
    const status = statusById.get(statusId);
    if (!status) return fail(ctx, icwsErrors.unknownStatus());
    const user = users.get(userId)!;
    if (!status.isSelectableStatus || !user.allowedStatusIds.includes(statusId)) return fail(ctx, icwsErrors.statusNotAllowed());
    const change: StatusChange = { statusId };
    if (notes !== undefined) change.notes = notes;
    if (forwardNumber !== undefined) change.forwardNumber = forwardNumber;
    if (until !== undefined) change.until = until;
    applyStatus(userId, change);
    reply(ctx, 202, { requestId: String(nextRequestId++) });
  }

  async function putStatusSubscription(ctx: Ctx, session: Session): Promise<void> {
    const body = await readJson(ctx);
    if (body === REPLIED) return;
    if (!isObject(body)) return fail(ctx, icwsErrors.invalidRepresentation('The body must be a subscription object.'));
    const userIds = body['userIds'];
    if (userIds === undefined) return fail(ctx, icwsErrors.missingProperty('userIds'));
    if (!Array.isArray(userIds) || userIds.length === 0 || !userIds.every((id) => typeof id === 'string')) {
      return fail(ctx, icwsErrors.invalidRepresentation("The property 'userIds' must be a non-empty list of user ids.", 'userIds'));
    }
    const ids = [...new Set(userIds as string[])];
    if (!ids.every((id) => users.has(id))) return fail(ctx, icwsErrors.unknownUserIds());
    session.subscribedUserIds = new Set(ids);
    // The first message after a subscribe replaces the client's cache (icws.md §3).
    push(session, { __type: MSG_USER_STATUS, isDelta: false, userStatusList: ids.map(userStatusJson) });
    replyEmpty(ctx, 200);
  }

  const routes: SessionRoute[] = [
    {
      path: ['status', 'status-messages'],
      methods: {
        GET: async (ctx, session) => {
          if (statusMessagesDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, statusMessagesDelayMs));
          reply(ctx, 200, { statusMessageList: statuses.map((s) => ({ ...s, iconUri: s.iconUri.replace('{sessionId}', session.id) })) });
        },
      },
    },
    {
      path: ['status', 'status-messages-user-access', ':userId'],
      methods: {
        GET: (ctx, _session, [userId]) => {
          const user = lookupUser(ctx, userId!);
          if (user) reply(ctx, 200, { userId: user.userId, statusMessages: user.allowedStatusIds });
        },
      },
    },
    {
      path: ['status', 'user-statuses', ':userId'],
      methods: {
        GET: (ctx, _session, [userId]) => {
          if (lookupUser(ctx, userId!)) reply(ctx, 200, userStatusJson(userId!));
        },
        PUT: (ctx, session, [userId]) => putUserStatus(ctx, session, userId!),
      },
    },
    {
      path: ['status', 'status-message-icons', ':statusId'],
      methods: {
        GET: (ctx, _session, [statusId]) => {
          const status = statusById.get(statusId!);
          if (!status) return fail(ctx, icwsErrors.notFound());
          if (ctx.record) ctx.record.status = 200;
          const svg = svgIcon(status);
          ctx.res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Content-Length': String(Buffer.byteLength(svg)) });
          ctx.res.end(svg);
        },
      },
    },
    {
      path: ['messaging', 'subscriptions', 'status', 'user-statuses'],
      methods: {
        PUT: (ctx, session) => putStatusSubscription(ctx, session),
        DELETE: (ctx, session) => {
          session.subscribedUserIds = null;
          replyEmpty(ctx, 204);
        },
      },
    },
  ];

  return { userStatusJson, applyStatus, pushStatus, routes };
}
