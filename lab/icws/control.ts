// The ICWS lab's fault controls and its loopback-only /lab/... HTTP API: request log, sessions,
// supervisor status changes, killing a session [ICWS-17..19], refusing connections with alternates
// [ICWS-06], switchover/switchback of a pair, and SSO tokens as a completed SAML sign-in yields.
import { icwsErrors } from './errors.ts';
import type { LabStatusMessage, LabUser } from './fixture.ts';
import { isLoopback } from './http-io.ts';
import { REPLIED, fail, isObject, reply, replyEmpty } from './request.ts';
import type { Ctx, ReadJson } from './request.ts';
import type { Availability } from './connection.ts';
import { summary } from './sessions.ts';
import type { SessionTable } from './sessions.ts';
import type { Statuses } from './statuses.ts';
import { localise } from './texts.ts';
import type { IcwsLabServer, LabRequestRecord } from './types.ts';

export interface ControlDeps {
  users: Map<string, LabUser>;
  statusById: Map<string, LabStatusMessage>;
  sessions: SessionTable;
  statuses: Statuses;
  availability: Availability;
  requests: LabRequestRecord[];
  issueSsoToken(userId: string): string;
  readJson: ReadJson;
}

export type Faults = Pick<IcwsLabServer, 'killSession' | 'setAcceptingConnections' | 'switchover' | 'switchback'>;

export interface Control extends Faults {
  handleLab(ctx: Ctx, rest: string[]): Promise<void>;
}

export function createControl(deps: ControlDeps): Control {
  const { users, statusById, sessions, statuses, availability, requests, readJson } = deps;
  /** The alternate host list given at start (the backup of a pair), for switchover(). */
  const configuredAlternates = [...availability.alternateHostList];

  function killSession(sessionId: string, o: { reason: string; shouldReconnect?: boolean | undefined }): boolean {
    const session = sessions.map.get(sessionId);
    if (!session || session.state !== 'up') return false;
    sessions.end(session, o.reason, o.shouldReconnect);
    return true;
  }

  function setAcceptingConnections(value: boolean, hosts?: string[]): void {
    availability.accepting = value;
    if (hosts) availability.alternateHostList = [...hosts];
  }

  function switchover(hosts?: string[]): void {
    setAcceptingConnections(false, hosts ?? configuredAlternates);
    for (const session of [...sessions.map.values()]) {
      if (session.state === 'up') sessions.end(session, localise(session.language, 'switchover'), true);
    }
  }

  function switchback(): void {
    setAcceptingConnections(true, configuredAlternates);
  }

  async function handleLab(ctx: Ctx, rest: string[]): Promise<void> {
    if (!isLoopback(ctx.req.socket.remoteAddress)) return fail(ctx, icwsErrors.accessDenied('Lab control is loopback only.'));
    const method = ctx.req.method ?? 'GET';
    const route = rest.join('/');
    if (method === 'GET' && route === 'requests') return reply(ctx, 200, requests);
    if (method === 'POST' && route === 'requests/clear') {
      requests.length = 0;
      return replyEmpty(ctx, 204);
    }
    if (method === 'GET' && route === 'sessions') return reply(ctx, 200, [...sessions.map.values()].map(summary));
    if (method === 'POST' && rest.length === 3 && rest[0] === 'users' && rest[2] === 'status') {
      const body = await readJson(ctx, { lenientType: true });
      if (body === REPLIED) return;
      const statusId = isObject(body) ? body['statusId'] : undefined;
      if (typeof statusId !== 'string') return fail(ctx, icwsErrors.missingProperty('statusId'));
      if (!users.has(rest[1]!)) return fail(ctx, icwsErrors.userNotFound(rest[1]!));
      if (!statusById.has(statusId)) return fail(ctx, icwsErrors.unknownStatus());
      statuses.applyStatus(rest[1]!, { statusId });
      return reply(ctx, 200, statuses.userStatusJson(rest[1]!));
    }
    if (method === 'POST' && rest.length === 3 && rest[0] === 'sessions' && rest[2] === 'kill') {
      const body = await readJson(ctx, { lenientType: true });
      if (body === REPLIED) return;
      const o = isObject(body) ? body : {};
      const session = sessions.map.get(rest[1]!);
      const reason = typeof o['reason'] === 'string' ? o['reason'] : session ? localise(session.language, 'killed') : '';
      const killed = killSession(rest[1]!, { reason, shouldReconnect: o['shouldReconnect'] === true });
      return killed ? replyEmpty(ctx, 204) : fail(ctx, icwsErrors.notFound());
    }
    if (method === 'POST' && route === 'accepting') {
      const body = await readJson(ctx, { lenientType: true });
      if (body === REPLIED) return;
      const o = isObject(body) ? body : {};
      if (typeof o['accepting'] !== 'boolean') return fail(ctx, icwsErrors.missingProperty('accepting'));
      const hosts = Array.isArray(o['alternateHostList']) ? o['alternateHostList'].filter((h): h is string => typeof h === 'string') : undefined;
      setAcceptingConnections(o['accepting'], hosts);
      return replyEmpty(ctx, 204);
    }
    if (method === 'POST' && route === 'switchover') {
      switchover();
      return replyEmpty(ctx, 204);
    }
    if (method === 'POST' && route === 'switchback') {
      switchback();
      return replyEmpty(ctx, 204);
    }
    if (method === 'POST' && route === 'sso-tokens') {
      const body = await readJson(ctx, { lenientType: true });
      if (body === REPLIED) return;
      const userId = isObject(body) ? body['userId'] : undefined;
      if (typeof userId !== 'string') return fail(ctx, icwsErrors.missingProperty('userId'));
      if (!users.has(userId)) return fail(ctx, icwsErrors.userNotFound(userId));
      return reply(ctx, 201, { singleSignOnToken: deps.issueSsoToken(userId) });
    }
    return fail(ctx, icwsErrors.notFound());
  }

  return { handleLab, killSession, setAcceptingConnections, switchover, switchback };
}
