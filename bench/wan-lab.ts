// The lab side of bench/wan-signin.ts, run in its own process so the client's CPU figure excludes the
// lab's work (issue 15 item 3): ICWS, Finesse, GWS and Genesys Cloud labs, each behind lab/wan-proxy.ts.
// Prints one JSON line with the proxy URLs; answers "chunks <name>[,<name>…]" on stdin with those
// proxies' request logs merged (absolute ms: performance.timeOrigin + now; connection ids prefixed with
// the proxy's name) and clears them; exits when stdin ends.
// SSO over the WAN: an IdP's absolute URLs would bypass a proxy in front of the platform server only,
// so every server of a flow sits behind its own proxy and is told the proxy's URL as its public one
// (ICWS: ssoPublicBaseUrl and the IdP entry point; the IdP posts to the ACS URL registered here).
import { createInterface } from 'node:readline';
import { startIcwsServer } from '../lab/icws/server.ts';
import { startFinesseLab } from '../lab/finesse/lab.ts';
import { defaultGwsUsers, startGwsLab } from '../lab/gws/index.ts';
import { startWanProxy, type WanProxy } from '../lab/wan-proxy.ts';
import { startLabIdp } from '../lab/saml/idp.ts';
import { startGenesysCloudLab } from '../lab/genesys-cloud/index.ts';
import { defaultFinesseUsers } from '../lab/finesse/fixture.ts';
import { freePort } from './helpers.ts';

const oneWayDelayMs = Number(process.argv[2] ?? 50);
const jitterMs = Number(process.argv[3] ?? 0);
const icws = await startIcwsServer({ messagingVersion: 2 });
const finesse = await startFinesseLab({ deploymentType: 'UCCX', systemAuthMode: 'NON_SSO', ctiDelayMs: 0 });
const proxies: Record<string, WanProxy> = {};
const behind = async (name: string, url: string) => {
  const u = new URL(url);
  proxies[name] = await startWanProxy({ target: { host: u.hostname, port: Number(u.port) }, oneWayDelayMs, jitterMs });
  return proxies[name].url;
};
const hostPort = (url: string) => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
};
/** A proxy started before its server (which must know the proxy's URL); retarget it once it runs. */
const ahead = async (name: string) => {
  proxies[name] = await startWanProxy({ target: { host: '127.0.0.1', port: 9 }, oneWayDelayMs, jitterMs });
  return proxies[name];
};

// ICWS single sign-on (ICWS-10/11): lab SAML IdP + an ICWS server whose SP answers at its proxy.
const idp = await startLabIdp();
const icwsIdpUrl = await behind('icws-idp', idp.url);
const icwsSsoProxy = await ahead('icws-sso');
const icwsSso = await startIcwsServer({
  messagingVersion: 2,
  ssoPublicBaseUrl: icwsSsoProxy.url,
  identityProviders: [
    { identityProviderId: 'lab-saml-idp', displayName: 'Lab SAML IdP', capabilities: ['saml2Post', 'saml2Redirect'], saml: { entryPoint: `${icwsIdpUrl}/saml/sso`, idpCert: idp.certificate, idpEntityId: idp.entityId } },
  ],
});
icwsSsoProxy.retarget(hostPort(icwsSso.url));
idp.addServiceProvider({ entityId: icwsSso.sso.entityId, acsUrl: icwsSso.sso.acsUrl });

// GWS SAML (GWS-04): a lab IdP with the GWS users behind its own proxy, trusted by the GWS lab, whose
// SP names the GWS proxy as its public URL (entity id, ACS); the basic methods use the same server.
const gwsIdp = await startLabIdp({ users: defaultGwsUsers().map((u) => ({ userId: u.userName, password: u.gwsPassword ?? u.configServerPassword ?? `${u.userName}-lab-pw`, displayName: `${u.firstName} ${u.lastName}` })) });
const gwsIdpUrl = await behind('gws-idp', gwsIdp.url);
const gwsProxy = await ahead('gws');
// GWS Salesforce (GWS-01): the stand-in behind its own proxy, named as its public URL (issuer,
// redirect URI, identity URL); GWS calls the identity URL on its own network, not over this WAN.
const gwsSfProxy = await ahead('gws-sf');
const gws = await startGwsLab({ publicBaseUrl: gwsProxy.url, salesforcePublicBaseUrl: gwsSfProxy.url, samlIdp: { entityId: gwsIdp.entityId, ssoUrl: `${gwsIdpUrl}/saml/sso`, certificatePem: gwsIdp.certificate } });
gwsProxy.retarget(hostPort(gws.baseUrl));
gwsSfProxy.retarget(hostPort(gws.salesforce.directBase));
gwsIdp.addServiceProvider({ entityId: gws.saml.entityId, acsUrl: gws.saml.acsUrl });

// Genesys Cloud (OAuth code + PKCE, GC-02): login server and API each behind a proxy; the channel's
// connectUri names the API's proxy (publicApiBase). The loopback redirect stays on the agent's machine.
const gcApiProxy = await ahead('gc-api');
const gc = await startGenesysCloudLab({ publicApiBase: gcApiProxy.url });
gcApiProxy.retarget(hostPort(gc.apiBase));
const gcLogin = await behind('gc-login', gc.loginBase);

// Finesse SSO (UCCX, seed 001): node → IdS authorize → lab IdP → IdS ACS → node's token URL. The node
// and the IdS listen on ports fixed here so their proxies exist first and the lab names them
// (publicUrls: the redirect_uri, the IdS's own URLs); the IdP posts to the ACS URL registered here.
const finPorts = { primary: await freePort(), secondary: await freePort(), ids: await freePort() };
const uccxUsers = defaultFinesseUsers('UCCX');
const finIdp = await startLabIdp({ principalDomain: 'finesse.lab.invalid', users: uccxUsers.map((u) => ({ userId: u.idpUid, password: u.idpPassword, displayName: `${u.firstName} ${u.lastName}` })) });
const finIdpUrl = await behind('fin-idp', finIdp.url);
const finSsoUrl = await behind('fin-sso', `http://127.0.0.1:${finPorts.primary}`);
const finIdsUrl = await behind('fin-ids', `http://127.0.0.1:${finPorts.ids}`);
const finesseSso = await startFinesseLab({ deploymentType: 'UCCX', systemAuthMode: 'SSO', users: uccxUsers, xmppDomain: 'finesse-uccx.lab.invalid', ctiDelayMs: 0, ports: finPorts, publicUrls: { primary: finSsoUrl, ids: finIdsUrl } });
finIdp.addServiceProvider({ entityId: finesseSso.ids.fqdn, acsUrl: finesseSso.ids.acsUrl });
finesseSso.setIdp({ entryPoint: `${finIdpUrl}/saml/sso`, cert: finIdp.certificate });

const urls = {
  icws: await behind('icws', icws.url),
  finesse: await behind('finesse', finesse.servers[0]!),
  finesseSecondary: finesse.servers[1]!,
  gws: gwsProxy.url,
  gwsIdp: gwsIdpUrl,
  gwsSalesforce: { loginBase: gws.salesforce.loginBase, clientId: gws.salesforce.clientId, redirectUri: gws.salesforce.redirectUri },
  icwsSso: icwsSsoProxy.url,
  finesseSso: finSsoUrl,
  gc: { api: gcApiProxy.url, login: gcLogin, clientId: gc.clientId, redirectUri: gc.redirectUri },
};
console.log(JSON.stringify(urls));
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [cmd, name] = line.split(' ');
  const named = (name ?? '').split(',').filter((n) => proxies[n] !== undefined);
  if (cmd === 'chunks' && named.length > 0) {
    const chunks = named.flatMap((n) => proxies[n]!.chunks.map((c) => ({ ...c, connection: `${n}#${c.connection}`, at: performance.timeOrigin + c.at })));
    console.log(JSON.stringify({ connections: named.reduce((sum, n) => sum + proxies[n]!.connections, 0), chunks: chunks.sort((a, b) => a.at - b.at) }));
    for (const n of named) proxies[n]!.clear();
  }
});
lines.on('close', () => {
  void (async () => {
    for (const p of Object.values(proxies)) await p.close();
    await icws.close();
    await icwsSso.close();
    await idp.close();
    await gc.close();
    await finesseSso.close();
    await finIdp.close();
    await finesse.close();
    await gws.close();
    await gwsIdp.close();
    process.exit(0);
  })();
});
