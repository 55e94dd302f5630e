// The lab: emulated contact-center servers on loopback plus profile files for their fake users.
// Run it: ./node_modules/.bin/node lab/index.ts [--profiles-out DIR] [--port N] [--host H]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLabStatusStore, startIcwsServer } from './icws/server.ts';
import type { IcwsLabServer } from './icws/server.ts';
import { defaultUsers } from './icws/fixture.ts';
import { startDefaultFinesseLabs } from './finesse/default-labs.ts';
import { startLabIdp } from './saml/idp.ts';
import type { LabIdp } from './saml/idp.ts';
import type { DefaultFinesseLabs } from './finesse/default-labs.ts';
import { startGenesysCloudLab } from './genesys-cloud/index.ts';
import { startComponentLab, type ComponentLab } from './genesys-cloud-component/index.ts';
import type { GenesysCloudLab, GenesysCloudLabOptions, GenesysCloudLabProfile } from './genesys-cloud/index.ts';
import { startGwsLab } from './gws/index.ts';
import type { GwsLab, GwsLabProfile } from './gws/index.ts';
import { labSummary } from './summary.ts';

export type { IcwsLabServer, IcwsServerOptions, LabRequestRecord, LabSessionSummary, LabUserStatus } from './icws/server.ts';
export type { LabStatusStore, LabStoredStatus } from './icws/server.ts';
export { createLabStatusStore, startIcwsServer } from './icws/server.ts';
export type { FinesseLab, FinesseLabNode, FinesseLabOptions } from './finesse/lab.ts';
export { startFinesseLab } from './finesse/lab.ts';
export type { DefaultFinesseLabs, FinesseLabProfile } from './finesse/default-labs.ts';
export type { GenesysCloudLab, GenesysCloudLabOptions, GenesysCloudLabProfile } from './genesys-cloud/index.ts';
export { startGenesysCloudLab, labLogin } from './genesys-cloud/index.ts';
export type { GwsLab, GwsLabOptions, GwsLabProfile } from './gws/index.ts';
export { startGwsLab } from './gws/index.ts';
export { labSummary } from './summary.ts';

/** A client profile plus the fixture password of the lab's fake user (DESIGN.md "Profiles"). */
export interface LabProfileFile {
  id: string;
  name: string;
  platform: 'icws' | 'finesse' | 'genesys-cloud' | 'gws';
  servers: string[];
  authMode: 'password' | 'sso';
  userName: string;
  language: string;
  applicationName: string;
  /** ICWS profiles: messaging options; Genesys Cloud profiles: `genesysCloud`. */
  options?: { messaging: 'auto' | 'sse' | 'polling'; heartbeat: boolean; pollIntervalMs: number; station?: string } | GenesysCloudLabProfile['options'] | GwsLabProfile['options'];
  lab: true;
  /** Password profiles only (SSO users type their IdP password on the IdP's page). */
  fixturePassword?: string;
}

export interface LabOptions {
  host?: string;
  /** Port of the SSE ICWS server; the short-polling one takes the next port. 0 (default) = random. */
  icwsPort?: number;
  inactivityTimeoutMs?: number;
  /** Genesys Cloud lab options (token lifetime, refresh tokens, redirect port, …). */
  genesysCloud?: GenesysCloudLabOptions;
}

export interface Lab {
  /** ICWS with messaging feature version 2 (server-sent events). */
  icws: IcwsLabServer;
  /** ICWS with messaging feature version 1 (short polling only). */
  icwsPolling: IcwsLabServer;
  /** A switchover pair: primary on 127.0.0.1, backup on 127.0.0.2, same port, sharing user statuses;
   *  each 201 names the other in alternateHostList. `POST /lab/switchover` on the primary moves everyone. */
  icwsPair: { primary: IcwsLabServer; backup: IcwsLabServer };
  /** The SAML IdP behind both ICWS servers' identity provider `lab-saml-idp` (ICWS users, lab/saml). */
  icwsIdp: LabIdp;
  /** Finesse UCCE (HYBRID) and UCCX (SSO) pairs with their IdS and the lab IdP (lab/README.md "Finesse"). */
  finesse: DefaultFinesseLabs;
  /** Genesys Cloud: login server, API + notifications (lab/README.md "Genesys Cloud"). */
  genesysCloud: GenesysCloudLab;
  /** The Genesys Cloud embedded component on its own origin (issue 12, lab/genesys-cloud-component). */
  genesysCloudComponent: ComponentLab;
  /** Genesys Engage Web Services: API v2, CometD, SAML SP of `icwsIdp`, Salesforce stand-in (lab/README.md "Genesys Engage"). */
  gws: GwsLab;
  profiles: LabProfileFile[];
  close(): Promise<void>;
}

const PROFILE_ID = /^[a-z0-9._-]+$/;

function icwsProfile(id: string, label: string, server: IcwsLabServer, userId: string, station?: string): LabProfileFile {
  const user = defaultUsers().find((u) => u.userId === userId);
  if (!user || !PROFILE_ID.test(id)) throw new Error(`lab: bad profile ${id}`);
  return {
    id,
    name: `Lab ICWS — ${user.displayName} (${label})`,
    platform: 'icws',
    servers: [server.url],
    authMode: 'password',
    userName: user.userId,
    language: 'en-US',
    applicationName: 'Patchbay',
    options: { messaging: 'auto', heartbeat: false, pollIntervalMs: 1000, ...(station === undefined ? {} : { station }) },
    lab: true,
    fixturePassword: user.password,
  };
}

/** The ICWS single sign-on profile: no password here, the agent types it on the lab IdP's page. */
function icwsSsoProfile(id: string, server: IcwsLabServer): LabProfileFile {
  return {
    id,
    name: 'Lab ICWS — single sign-on (lab IdP)',
    platform: 'icws',
    servers: [server.url],
    authMode: 'sso',
    userName: 'agent1',
    language: 'en-US',
    applicationName: 'Patchbay',
    options: { messaging: 'auto', heartbeat: false, pollIntervalMs: 1000 },
    lab: true,
  };
}

/** Points both ICWS servers' `lab-saml-idp` at the lab IdP and registers them as its SPs [ICWS-10]. */
async function startIcwsIdp(host: string, servers: IcwsLabServer[]): Promise<LabIdp> {
  const idp = await startLabIdp({ host });
  for (const server of servers) {
    server.sso.configureIdentityProvider('lab-saml-idp', { entryPoint: idp.ssoUrl, idpCert: idp.certificate, idpEntityId: idp.entityId });
    idp.addServiceProvider({ entityId: server.sso.entityId, acsUrl: server.sso.acsUrl });
  }
  return idp;
}

/** The switchover pair: the backup must take the primary's port on 127.0.0.2 (the 503 host walk keeps
 *  scheme and port, seed 000); a port taken there means another try with a new random port. */
export async function startIcwsPair(options: { port?: number; inactivityTimeoutMs?: number } = {}): Promise<{ primary: IcwsLabServer; backup: IcwsLabServer }> {
  const timeout = options.inactivityTimeoutMs === undefined ? {} : { inactivityTimeoutMs: options.inactivityTimeoutMs };
  for (let attempt = 0; ; attempt++) {
    const statusStore = createLabStatusStore();
    // Pings every 5 s keep the stream alive for a client whose clock runs fast (PATCHBAY_TIME_SCALE).
    const common = { messagingVersion: 2 as const, statusStore, ssePingIntervalMs: 5_000, ...timeout };
    const primary = await startIcwsServer({ ...common, host: '127.0.0.1', port: options.port ?? 0, serverName: 'lab-ic-primary', alternateHostList: ['127.0.0.2'] });
    try {
      const backup = await startIcwsServer({ ...common, host: '127.0.0.2', port: primary.port, serverName: 'lab-ic-backup', alternateHostList: ['127.0.0.1'] });
      return { primary, backup };
    } catch (error) {
      await primary.close();
      if (attempt >= 4 || options.port !== undefined) throw error;
    }
  }
}

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const host = options.host ?? '127.0.0.1';
  const port = options.icwsPort ?? 0;
  const timeout = options.inactivityTimeoutMs === undefined ? {} : { inactivityTimeoutMs: options.inactivityTimeoutMs };
  const icws = await startIcwsServer({ host, port, messagingVersion: 2, serverName: 'lab-ic-sse', ...timeout });
  let icwsPolling: IcwsLabServer;
  try {
    icwsPolling = await startIcwsServer({ host, port: port === 0 ? 0 : port + 1, messagingVersion: 1, serverName: 'lab-ic-polling', ...timeout });
  } catch (error) {
    await icws.close();
    throw error;
  }
  let icwsPair: { primary: IcwsLabServer; backup: IcwsLabServer };
  try {
    icwsPair = await startIcwsPair(timeout);
  } catch (error) {
    await Promise.all([icws.close(), icwsPolling.close()]);
    throw error;
  }
  const closeIcws = () => Promise.all([icws.close(), icwsPolling.close(), icwsPair.primary.close(), icwsPair.backup.close()]);
  let icwsIdp: LabIdp;
  try {
    icwsIdp = await startIcwsIdp(host, [icws, icwsPolling, icwsPair.primary, icwsPair.backup]);
  } catch (error) {
    await closeIcws();
    throw error;
  }
  let finesse: DefaultFinesseLabs;
  try {
    finesse = await startDefaultFinesseLabs({ host });
  } catch (error) {
    await Promise.all([closeIcws(), icwsIdp.close()]);
    throw error;
  }
  let genesysCloud: GenesysCloudLab;
  try {
    genesysCloud = await startGenesysCloudLab({ host, ...options.genesysCloud });
  } catch (error) {
    await Promise.all([closeIcws(), icwsIdp.close(), finesse.close()]);
    throw error;
  }
  let genesysCloudComponent: ComponentLab;
  try {
    genesysCloudComponent = await startComponentLab({ apiBase: genesysCloud.apiBase });
  } catch (error) {
    await Promise.all([closeIcws(), icwsIdp.close(), finesse.close(), genesysCloud.close()]);
    throw error;
  }
  let gws: GwsLab;
  try {
    // GWS trusts the ICWS lab IdP (same users and passwords; its schema validator is already warm).
    gws = await startGwsLab({ host, samlIdp: { entityId: icwsIdp.entityId, ssoUrl: icwsIdp.ssoUrl, certificatePem: icwsIdp.certificate } });
    icwsIdp.addServiceProvider({ entityId: gws.saml.entityId, acsUrl: gws.saml.acsUrl });
  } catch (error) {
    await Promise.all([closeIcws(), icwsIdp.close(), finesse.close(), genesysCloud.close(), genesysCloudComponent.close()]);
    throw error;
  }
  const profiles: LabProfileFile[] = [
    icwsProfile('lab-icws-agent1', 'SSE', icws, 'agent1'),
    icwsProfile('lab-icws-supervisor1', 'SSE', icws, 'supervisor1'),
    icwsProfile('lab-icws-agent2-polling', 'polling', icwsPolling, 'agent2'),
    icwsProfile('lab-icws-pair-agent1', 'switchover pair', icwsPair.primary, 'agent1', 'lab-station-1'),
    icwsSsoProfile('lab-icws-agent1-sso', icws),
    ...finesse.profiles,
    ...genesysCloud.profiles().map((p) => ({ ...p, options: { genesysCloud: { ...p.options.genesysCloud, componentUrl: genesysCloudComponent.origin } } })),
    ...gws.profiles(),
  ];
  return {
    icws,
    icwsPolling,
    icwsPair,
    icwsIdp,
    finesse,
    genesysCloud,
    genesysCloudComponent,
    gws,
    profiles,
    close: async () => {
      await Promise.all([closeIcws(), icwsIdp.close(), finesse.close(), genesysCloud.close(), genesysCloudComponent.close(), gws.close()]);
    },
  };
}

/** Writes `<id>.json` per profile into `dir` (created when missing); returns the paths. */
export async function writeProfileFiles(dir: string, profiles: LabProfileFile[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const profile of profiles) {
    if (!PROFILE_ID.test(profile.id)) throw new Error(`lab: bad profile id ${profile.id}`);
    const path = join(dir, `${profile.id}.json`);
    await writeFile(path, `${JSON.stringify(profile, null, 2)}\n`, 'utf8');
    paths.push(path);
  }
  return paths;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'profiles-out': { type: 'string' },
      // The human block (lab/summary.ts) for `npm start` to print first (issue 14 item 8).
      'summary-out': { type: 'string' },
      // Stop when stdin closes: the parent (npm start) died, even by SIGKILL — never an orphaned lab.
      'stop-on-stdin-end': { type: 'boolean' },
      port: { type: 'string' },
      host: { type: 'string' },
    },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65534) throw new Error('--port must be a port number');
  const lab = await startLab({ icwsPort: port, ...(values.host === undefined ? {} : { host: values.host }) });
  console.log(`ICWS (server-sent events): ${lab.icws.url}`);
  console.log(`ICWS (short polling):      ${lab.icwsPolling.url}`);
  console.log(`ICWS pair primary/backup:  ${lab.icwsPair.primary.url} ${lab.icwsPair.backup.url}  (POST /lab/switchover on the primary)`);
  console.log(`Lab SAML IdP (ICWS):       ${lab.icwsIdp.url}`);
  for (const f of [lab.finesse.ucce, lab.finesse.uccx]) console.log(`Finesse ${f.deploymentType} ${f.systemAuthMode}: ${f.servers.join(' ')}  IdS ${f.ids.url}`);
  console.log(`Lab SAML IdP (Finesse):    ${lab.finesse.idp.url}`);
  console.log(`Genesys Cloud login/API:   ${lab.genesysCloud.loginBase} ${lab.genesysCloud.apiBase}  (redirect ${lab.genesysCloud.redirectUri}; POST /lab/<control> on the API)`);
  console.log(`GWS (Genesys Engage):       ${lab.gws.baseUrl}  (Salesforce stand-in ${lab.gws.salesforce.loginBase}; POST /lab/<control>)`);
  for (const profile of lab.profiles) console.log(`profile ${profile.id}  ${profile.name}  ${profile.servers.join(' ')}`);
  const summary = labSummary(lab);
  for (const line of summary.slice(summary.findIndex((l) => l.startsWith('Fault controls')))) console.log(line);
  // Before the profile files: whoever waits for those finds the summary already written.
  if (values['summary-out'] !== undefined) await writeFile(values['summary-out'], `${summary.join('\n')}\n`, { encoding: 'utf8', mode: 0o600 });
  if (values['profiles-out'] !== undefined) {
    for (const path of await writeProfileFiles(values['profiles-out'], lab.profiles)) console.log(`wrote ${path}`);
  }
  console.log('lab running; Ctrl+C stops it');
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    lab.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (values['stop-on-stdin-end']) {
    process.stdin.once('end', stop).once('close', stop).resume();
  }
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(`lab: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
