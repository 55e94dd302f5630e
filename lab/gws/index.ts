// The Genesys Engage Web Services (GWS API v2) lab: seed 002's authentication chain, the CSRF pair,
// statusCode envelopes, the agent API, CometD notifications (faye), a SAML SP, a Salesforce stand-in,
// and fault controls. Written from shared/protocols/gws.md and the seed, never from client code.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLabIdp } from '../saml/idp.ts';
import type { LabIdp } from '../saml/idp.ts';
import { createApi, devicesOf } from './api.ts';
import type { ApiRequestRecord } from './api.ts';
import { cookieSession } from './auth.ts';
import { createCometd, NOTIFICATIONS_PATH } from './cometd.ts';
import type { CometdRecord } from './cometd.ts';
import { handleControl } from './controls.ts';
import type { LabControls } from './controls.ts';
import { defaultAgentStates, defaultGwsUsers, defaultPlaces } from './fixture.ts';
import type { GwsLabUser } from './fixture.ts';
import { createSamlSp, WWE_PATH } from './saml.ts';
import type { GwsSamlFailure, GwsSamlIdpConfig } from './saml.ts';
import { startSalesforceStandIn } from './salesforce.ts';
import { GwsStore } from './store.ts';
import { escapeHtml, page, sendHtml } from '../saml/html.ts';

export type { ApiRequestRecord } from './api.ts';
export type { GwsLabUser } from './fixture.ts';
export { defaultGwsUsers } from './fixture.ts';

export interface GwsLabOptions {
  host?: string;
  /** Configuration Server authentication enabled for the contact center (GWS-02). Default true. */
  configServerAuth?: boolean;
  /** CSRF pair on the API (default true). */
  csrf?: boolean;
  /** CSRF checked on CometD POSTs too (default false: unconfirmed in the docs). */
  cometdCsrf?: boolean;
  /** The SAML IdP GWS trusts; default: a lab samlify IdP started with the GWS lab. */
  samlIdp?: { entityId: string; ssoUrl: string; certificatePem: string };
  /** CometD long-poll hold time in seconds (default 20). */
  cometdTimeoutSeconds?: number;
  /** Where clients reach this server when a proxy sits in front (bench/wan-lab.ts): the SAML SP's
   *  entity id and ACS URL and the profiles' server use it, so no absolute URL bypasses the proxy.
   *  Default: the server's own address. */
  publicBaseUrl?: string;
  /** The same for the Salesforce stand-in (its issuer, redirect and identity URLs; the Salesforce
   *  profile's loginBase). GWS itself still calls the identity URL at the stand-in's own address. */
  salesforcePublicBaseUrl?: string;
}

export interface GwsLabProfile {
  id: string;
  name: string;
  platform: 'gws';
  servers: string[];
  authMode: 'password' | 'sso';
  userName: string;
  language: string;
  applicationName: string;
  options: { gws: Record<string, unknown> };
  lab: true;
  fixturePassword?: string;
}

export interface GwsLab extends LabControls {
  baseUrl: string;
  /** loginBase: the public base; directBase: the stand-in's own address (a proxy's target). */
  salesforce: { loginBase: string; directBase: string; clientId: string; redirectUri: string };
  users: { userName: string; gwsPassword?: string; configServerPassword?: string; place: string; salesforceUser?: string; salesforcePassword?: string; samlNameId?: string }[];
  profiles(): GwsLabProfile[];
  /** The SAML SP (register it with an external IdP: entityId + acsUrl). */
  saml: { entityId: string; acsUrl: string; metadataUrl: string; loginUrl: string; failures: GwsSamlFailure[] };
  /** The lab's own IdP (undefined when samlIdp was given). */
  idp: LabIdp | undefined;
  /** API requests, oldest first: path, status, statusCode, which chain step authenticated. */
  requests: ApiRequestRecord[];
  clearRequests(): void;
  /** CometD meta replies (channel, clientId, successful, error). */
  cometdLog: CometdRecord[];
  cometdClients(): { clientId: string; userName: string }[];
  /** An agent's voice state as the server has it (undefined = voice not logged in). */
  agentState(userName: string): { state: string; reason?: string; displayName: string } | undefined;
  /** Live HTTP sessions (no ids). */
  sessions(): { userName: string; method: string }[];
  close(): Promise<void>;
}

function wwePage(res: ServerResponse, userName: string): void {
  sendHtml(res, 200, page('Workspace Web Edition (lab)', `<h1>Workspace Web Edition</h1><p id="signed-in-user">Signed in as ${escapeHtml(userName)}.</p>`));
}

export async function startGwsLab(options: GwsLabOptions = {}): Promise<GwsLab> {
  const host = options.host ?? '127.0.0.1';
  const users: GwsLabUser[] = defaultGwsUsers();
  const store = new GwsStore(users, defaultPlaces(), defaultAgentStates());
  let configServerAuth = options.configServerAuth ?? true;
  const csrf = options.csrf ?? true;
  const cometdCsrf = options.cometdCsrf ?? false;
  const requests: ApiRequestRecord[] = [];

  const salesforce = await startSalesforceStandIn(users, host, options.salesforcePublicBaseUrl === undefined ? {} : { publicBaseUrl: options.salesforcePublicBaseUrl });
  let idp: LabIdp | undefined;
  const closers: (() => Promise<void>)[] = [() => salesforce.close()];
  try {
    let idpConfig: GwsSamlIdpConfig;
    if (options.samlIdp) {
      idpConfig = options.samlIdp;
    } else {
      idp = await startLabIdp({ host, users: users.map((u) => ({ userId: u.userName, password: u.gwsPassword ?? u.configServerPassword ?? `${u.userName}-lab-pw`, displayName: `${u.firstName} ${u.lastName}` })) });
      const started = idp;
      closers.push(() => started.close());
      idpConfig = { entityId: idp.entityId, ssoUrl: idp.ssoUrl, certificatePem: idp.certificate };
    }

    let handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) => {
      res.writeHead(503).end();
    };
    const server: Server = createServer((req, res) => {
      handler(req, res).catch(() => {
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end('{"statusCode":4,"statusMessage":"Internal error"}');
        } else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const baseUrl = `http://${host}:${(server.address() as AddressInfo).port}`;
    const publicBaseUrl = options.publicBaseUrl ?? baseUrl;
    const sp = createSamlSp(publicBaseUrl, store, idpConfig);
    if (idp) idp.addServiceProvider({ entityId: sp.entityId, acsUrl: sp.acsUrl });
    const api = createApi({
      baseUrl,
      store,
      requests,
      csrf: () => csrf,
      configServerAuth: () => configServerAuth,
      salesforceHeaders: { sessionId: 'ssid', identityUrl: 'surl' },
      salesforceOrigin: () => new URL(salesforce.loginBase).origin,
      salesforceDirectOrigin: () => new URL(salesforce.directBase).origin,
    });
    const cometd = createCometd({ store, csrf: () => cometdCsrf, timeoutSeconds: options.cometdTimeoutSeconds ?? 20 }, (agent) => devicesOf(agent, store));
    closers.unshift(async () => cometd.close());

    const agentOf = (userName: string) => {
      const agent = store.agent(userName);
      if (!agent) throw new Error(`lab: unknown GWS user ${userName}`);
      return agent;
    };
    const controls: LabControls = {
      invalidateSession: (userName) => {
        store.invalidateUser(userName);
      },
      dropCometd: () => cometd.drop(),
      rotateCsrf: () => store.rotateCsrf(),
      setConfigServerAuth: (on) => {
        configServerAuth = on;
      },
      setIdpDown: (on) => {
        if (idp) idp.setDown(on);
        else sp.setUnreachable(on);
      },
      setAgentState: (userName, state, reason) => {
        const key = Object.keys(store.agentStates).find((k) => {
          const s = store.agentStates[k]!;
          return s.state === state && (reason === undefined ? s.reason === undefined : s.reason === reason || s.displayName === reason);
        });
        if (key === undefined) throw new Error(`lab: no agent state ${state}${reason ? ` / ${reason}` : ''} in the agent-states settings`);
        store.setVoiceState(agentOf(userName), key);
      },
      startCall: (userName) => store.startCall(agentOf(userName)).id,
      endCall: (callId) => {
        const found = store.findCall(callId);
        if (!found) throw new Error(`lab: no call ${callId}`);
        store.releaseCall(found.agent, found.call);
      },
    };

    handler = async (req, res) => {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', baseUrl);
      } catch {
        res.writeHead(400).end();
        return;
      }
      const path = url.pathname;
      if (path === NOTIFICATIONS_PATH || path.startsWith(`${NOTIFICATIONS_PATH}/`)) return cometd.handle(req, res);
      if (path.startsWith('/api/v2/')) return api.handle(req, res, url);
      if (path.startsWith('/saml/')) return sp.handle(req, res, url);
      if (path.startsWith('/lab/')) return handleControl(req, res, path.slice('/lab/'.length), controls);
      req.resume();
      if (path === WWE_PATH) {
        const session = cookieSession(req, store);
        if (session) return wwePage(res, session.userName);
        // gws.md §1: ?authType=saml on the Workspace URL switches the browser flow to SAML.
        if (url.searchParams.get('authType') === 'saml') {
          res.writeHead(302, { Location: `/saml/login?target=${encodeURIComponent(WWE_PATH)}`, 'Content-Length': '0' }).end();
          return;
        }
        return sendHtml(res, 401, page('Workspace Web Edition (lab)', '<h1>Not signed in</h1>'));
      }
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"statusCode":6,"statusMessage":"Not found"}');
    };

    const profile = (id: string, name: string, userName: string, authMode: 'password' | 'sso', gws: Record<string, unknown>, fixturePassword?: string): GwsLabProfile => ({
      id,
      name,
      platform: 'gws',
      servers: [publicBaseUrl],
      authMode,
      userName,
      language: 'en-US',
      applicationName: 'Patchbay',
      options: { gws },
      lab: true,
      ...(fixturePassword === undefined ? {} : { fixturePassword }),
    });
    const sfHost = new URL(salesforce.loginBase).host;
    const idpHost = new URL(idpConfig.ssoUrl).host;

    return {
      ...controls,
      baseUrl,
      salesforce: { loginBase: salesforce.loginBase, directBase: salesforce.directBase, clientId: salesforce.clientId, redirectUri: salesforce.redirectUri },
      users: users.map((u) => ({ ...u })),
      profiles: () => [
        profile('lab-gws-agent1-basic', 'Lab GWS — Ada Agent (GWS basic)', 'agent1', 'password', { authMethod: 'gws-basic', place: 'SIP_Place_1001' }, 'agent1-lab-pw'),
        profile('lab-gws-agent2-cfg', 'Lab GWS — Bo Agent (Configuration Server basic)', 'agent2', 'password', { authMethod: 'config-server-basic', place: 'SIP_Place_1002' }, 'agent2-lab-pw'),
        profile('lab-gws-agent1-saml', 'Lab GWS — single sign-on (SAML, lab IdP)', 'agent1', 'sso', { authMethod: 'saml', place: 'SIP_Place_1001', samlLoginPath: '/saml/login', ssoAllowedHosts: [idpHost] }),
        profile('lab-gws-agent3-salesforce', 'Lab GWS — Cy Agent (Salesforce)', 'agent3', 'sso', {
          authMethod: 'salesforce',
          place: 'SIP_Place_1003',
          salesforce: { loginBase: salesforce.loginBase, clientId: salesforce.clientId, redirectUri: salesforce.redirectUri, sessionIdHeader: 'ssid', identityUrlHeader: 'surl' },
          ssoAllowedHosts: [sfHost],
        }),
      ],
      saml: { entityId: sp.entityId, acsUrl: sp.acsUrl, metadataUrl: sp.metadataUrl, loginUrl: sp.loginUrl, failures: sp.failures },
      idp,
      requests,
      clearRequests: () => {
        requests.length = 0;
      },
      cometdLog: cometd.log,
      cometdClients: () => cometd.clients(),
      agentState: (userName) => {
        const voice = store.agent(userName)?.channels.get('voice');
        if (!voice) return undefined;
        return { state: voice.userState.state, displayName: voice.userState.displayName, ...(voice.userState.reason === undefined ? {} : { reason: voice.userState.reason }) };
      },
      sessions: () => [...store.sessions.values()].map((s) => ({ userName: s.userName, method: s.method })),
      close: async () => {
        for (const close of closers) await close();
      },
    };
  } catch (error) {
    for (const close of closers) await close().catch(() => undefined);
    throw error;
  }
}
