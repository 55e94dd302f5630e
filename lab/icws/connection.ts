// ICWS connection on the lab: POST /icws/connection with its three settings types (IC auth, unique
// auth token, SSO token) [ICWS-01..03, ICWS-09, ICWS-14], the connection-less version / features /
// server-info calls [ICWS-08], and the session's own connection resources (state, station,
// unique-auth-token, DELETE).
import { randomBytes } from 'node:crypto';
import { icwsErrors } from './errors.ts';
import type { IcwsErrorReply } from './errors.ts';
import type { LabUser } from './fixture.ts';
import { firstHeader } from './http-io.ts';
import { REPLIED, fail, isError, isObject, reply, replyEmpty, requiredString, sameSecret } from './request.ts';
import type { Ctx, JsonObject, ReadJson, SessionRoute } from './request.ts';
import type { SessionTable } from './sessions.ts';
import type { LabIdentityProvider, LabSingleSignOnCapability } from './sso.ts';
import { icwsDate, localise, sessionLanguage } from './texts.ts';
import type { Session } from './types.ts';

const TYPE_IC_AUTH = 'urn:inin.com:connection:icAuthConnectionRequestSettings';
const TYPE_AUTH_TOKEN = 'urn:inin.com:connection:authTokenConnectionRequestSettings';
const TYPE_SSO_TOKEN = 'urn:inin.com:connection:singleSignOnTokenConnectionRequestSettings';
const AUTH_TOKEN_LIFETIME_MS = 7_000;
const SSO_TOKEN_LIFETIME_MS = 5 * 60_000;

export const VERSION_INFO = {
  majorVersion: 17,
  minorVersion: 0,
  su: 0,
  build: 'LAB',
  productId: 'Patchbay ICWS lab',
  codebaseId: 'lab',
  productReleaseDisplayString: 'Lab 1',
  productPatchDisplayString: '',
} as const;

const LANGUAGES = [
  { languageID: 'en-US', languageDisplayName: 'English (United States)' },
  { languageID: 'de-DE', languageDisplayName: 'Deutsch (Deutschland)' },
  { languageID: 'fr-FR', languageDisplayName: 'français (France)' },
];

/** Whether new connections are taken, and the alternates a 201 or a 503 names (fault controls write it). */
export interface Availability {
  accepting: boolean;
  alternateHostList: string[];
}

export interface ConnectionDeps {
  users: Map<string, LabUser>;
  sessions: SessionTable;
  availability: Availability;
  serverName: string;
  messagingVersion: 1 | 2;
  allowIcAuth: boolean;
  icwsSdkLicensed: boolean;
  identityProviders: LabIdentityProvider[];
  stations: Set<string>;
  readJson: ReadJson;
}

export interface Connection {
  postConnection(ctx: Ctx): Promise<void>;
  featureList(): Array<{ featureId: string; version: number }>;
  serverInfo(ctx: Ctx): void;
  issueSsoToken(userId: string): string;
  routes: SessionRoute[];
}

type Authenticated = { user: LabUser; disconnect?: Session } | IcwsErrorReply;

export function createConnection(deps: ConnectionDeps): Connection {
  const { users, sessions, availability } = deps;
  const authTokens = new Map<string, { seed: string; sourceSessionId: string; userId: string; expiresAt: number }>();
  const ssoTokens = new Map<string, { userId: string; expiresAt: number }>();

  function authenticateSettings(body: JsonObject): Authenticated {
    const type = body['__type'];
    const applicationName = requiredString(body, 'applicationName');
    if (type === TYPE_IC_AUTH) {
      if (isError(applicationName)) return applicationName;
      const userID = requiredString(body, 'userID');
      if (isError(userID)) return userID;
      const password = requiredString(body, 'password');
      if (isError(password)) return password;
      if (!deps.allowIcAuth) return icwsErrors.icAuthNotAllowed();
      const user = users.get(userID);
      if (!user || !sameSecret(password, user.password)) return icwsErrors.authenticationFailure();
      return { user };
    }
    if (type === TYPE_AUTH_TOKEN) {
      if (isError(applicationName)) return applicationName;
      const fields: Record<string, string> = {};
      for (const name of ['authTokenSeed', 'authToken', 'authTokenSourceSession']) {
        const value = requiredString(body, name);
        if (isError(value)) return value;
        fields[name] = value;
      }
      const known = authTokens.get(fields['authToken']!);
      // Single use, whatever the outcome.
      authTokens.delete(fields['authToken']!);
      const user = known ? users.get(known.userId) : undefined;
      if (!known || !user || known.expiresAt < Date.now() || known.seed !== fields['authTokenSeed'] || known.sourceSessionId !== fields['authTokenSourceSession']) {
        return icwsErrors.authenticationFailure();
      }
      const source = sessions.map.get(known.sourceSessionId);
      return body['disconnectSourceSession'] === true && source ? { user, disconnect: source } : { user };
    }
    if (type === TYPE_SSO_TOKEN) {
      if (isError(applicationName)) return applicationName;
      const token = requiredString(body, 'singleSignOnToken');
      if (isError(token)) return token;
      const known = ssoTokens.get(token);
      ssoTokens.delete(token);
      const user = known ? users.get(known.userId) : undefined;
      if (!known || !user || known.expiresAt < Date.now()) return icwsErrors.singleSignOnFailure();
      return { user };
    }
    if (type === undefined) return icwsErrors.missingProperty('__type');
    return icwsErrors.invalidRepresentation(
      'The body must be exactly one of icAuthConnectionRequestSettings, authTokenConnectionRequestSettings or singleSignOnTokenConnectionRequestSettings.',
      '__type',
    );
  }

  async function postConnection(ctx: Ctx): Promise<void> {
    // [ICWS-01] Accept-Language is required and fixes the session language.
    const language = sessionLanguage(firstHeader(ctx.req.headers['accept-language']));
    if (language === undefined) {
      ctx.req.resume();
      fail(ctx, icwsErrors.missingAcceptLanguage());
      return;
    }
    const parsed = await deps.readJson(ctx);
    if (parsed === REPLIED) return;
    if (!availability.accepting) {
      fail(ctx, icwsErrors.notAcceptingConnections(availability.alternateHostList));
      return;
    }
    // [ICWS-02] exactly one connection-settings representation.
    if (!isObject(parsed)) {
      fail(ctx, icwsErrors.invalidRepresentation('The body must be one connection request settings object.'));
      return;
    }
    const outcome = authenticateSettings(parsed);
    if (isError(outcome)) {
      fail(ctx, outcome);
      return;
    }
    if (!deps.icwsSdkLicensed) {
      fail(ctx, icwsErrors.icwsSdkLicenseMissing());
      return;
    }
    if (outcome.disconnect) sessions.forget(outcome.disconnect);
    const session = sessions.create(outcome.user, language);
    const include = new Set(ctx.url.searchParams.getAll('include').flatMap((v) => v.split(',')).map((v) => v.trim()));
    const body: JsonObject = {
      csrfToken: session.csrfToken,
      sessionId: session.id,
      alternateHostList: availability.alternateHostList,
      userID: outcome.user.userId,
      userDisplayName: outcome.user.displayName,
      icServer: deps.serverName,
    };
    if (include.has('version')) body['version'] = VERSION_INFO;
    if (include.has('features')) body['features'] = featureList();
    if (include.has('server-time')) body['serverTimeInfo'] = { serverTime: icwsDate(new Date()) };
    if (include.has('default-workstation')) body['defaultWorkstationId'] = '';
    // [ICWS-03] the four headers of a 201.
    reply(ctx, 201, body, {
      'ININ-ICWS-Session-ID': session.id,
      'ININ-ICWS-CSRF-Token': session.csrfToken,
      Location: `/icws/${session.id}/connection`,
      'Set-Cookie': `icws_${session.id}=${session.cookieValue}; Path=/icws/${session.id}; HttpOnly`,
    });
  }

  function featureList(): Array<{ featureId: string; version: number }> {
    return [
      { featureId: 'connection', version: 2 },
      { featureId: 'messaging', version: deps.messagingVersion },
      { featureId: 'status', version: 1 },
    ];
  }

  function serverInfo(ctx: Ctx): void {
    // [ICWS-08] no identity provider unless the client names the bindings it supports.
    const capabilities = (ctx.url.searchParams.get('singleSignOnCapabilities') ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter((c): c is LabSingleSignOnCapability => c === 'saml2Post' || c === 'saml2Redirect');
    const listed = deps.identityProviders
      .filter((idp) => idp.capabilities.some((c) => capabilities.includes(c)))
      .map((idp) => ({ identityProviderId: idp.identityProviderId, displayName: idp.displayName }));
    reply(ctx, 200, {
      languages: LANGUAGES,
      acceptLanguage: firstHeader(ctx.req.headers['accept-language']) ?? 'en-US',
      authentication: { allowIcAuth: deps.allowIcAuth, identityProviders: listed },
    });
  }

  function connectionState(ctx: Ctx, session: Session): void {
    if (session.state === 'down') {
      reply(ctx, 200, { connectionState: 2, reason: session.reason ?? '', ...(session.shouldReconnect === undefined ? {} : { shouldReconnect: session.shouldReconnect }) });
      return;
    }
    reply(ctx, 200, { connectionState: 1, reason: localise(session.language, 'connected'), shouldReconnect: false });
  }

  /** PUT …/connection/station with workstationSettings (icws.md "station"); an unknown station → 400. */
  async function putStation(ctx: Ctx, session: Session): Promise<void> {
    const body = await deps.readJson(ctx);
    if (body === REPLIED) return;
    if (!isObject(body)) return fail(ctx, icwsErrors.invalidRepresentation('The body must be a station settings object.'));
    if (body['__type'] !== undefined && body['__type'] !== 'urn:inin.com:connection:workstationSettings') {
      return fail(ctx, icwsErrors.invalidRepresentation('Only workstationSettings are supported by the lab.', '__type'));
    }
    const workstation = requiredString(body, 'workstation');
    if (isError(workstation)) return fail(ctx, workstation);
    if (!deps.stations.has(workstation)) return fail(ctx, icwsErrors.stationNotFound(workstation));
    session.station = workstation;
    reply(ctx, 200, { workstation });
  }

  function postUniqueAuthToken(ctx: Ctx, session: Session): Promise<void> {
    return deps.readJson(ctx).then((body) => {
      if (body === REPLIED) return;
      if (!isObject(body)) return fail(ctx, icwsErrors.invalidRepresentation('The body must be an object.'));
      const seed = requiredString(body, 'authTokenSeed');
      if (isError(seed)) return fail(ctx, seed);
      const authToken = randomBytes(24).toString('base64url');
      authTokens.set(authToken, { seed, sourceSessionId: session.id, userId: session.userId, expiresAt: Date.now() + AUTH_TOKEN_LIFETIME_MS });
      reply(ctx, 201, { authToken });
    });
  }

  function issueSsoToken(userId: string): string {
    if (!users.has(userId)) throw new Error(`lab: unknown user ${userId}`);
    const token = randomBytes(32).toString('base64url');
    ssoTokens.set(token, { userId, expiresAt: Date.now() + SSO_TOKEN_LIFETIME_MS });
    return token;
  }

  const routes: SessionRoute[] = [
    {
      path: ['connection'],
      whenDown: true,
      methods: {
        GET: (ctx, session) => connectionState(ctx, session),
        DELETE: (ctx, session) => {
          sessions.forget(session);
          replyEmpty(ctx, 204);
        },
      },
    },
    { path: ['connection', 'station'], methods: { PUT: (ctx, session) => putStation(ctx, session) } },
    { path: ['connection', 'unique-auth-token'], methods: { POST: (ctx, session) => postUniqueAuthToken(ctx, session) } },
  ];

  return { postConnection, featureList, serverInfo, issueSsoToken, routes };
}
