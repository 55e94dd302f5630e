// The Finesse part of `startLab`: a UCCE cluster in HYBRID mode (SSO agent sjefferson with a distinct
// loginName/loginId, NON_SSO agent jdoe) and a UCCX cluster in SSO mode (agent3), both with their IdS
// trusting the lab's own SAML IdP (lab/saml), plus the client profiles for them.
import { startLabIdp } from '../saml/idp.ts';
import type { LabIdp } from '../saml/idp.ts';
import { defaultFinesseUsers } from './fixture.ts';
import type { FinesseLabUser } from './fixture.ts';
import { startFinesseLab } from './lab.ts';
import type { FinesseLab, FinesseLabOptions } from './lab.ts';

/** Same shape as the ICWS lab profiles (lab/index.ts LabProfileFile), platform 'finesse'. */
export interface FinesseLabProfile {
  id: string;
  name: string;
  platform: 'finesse';
  /** Primary node first, then the secondary. */
  servers: string[];
  authMode: 'password' | 'sso';
  userName: string;
  language: string;
  applicationName: string;
  lab: true;
  /** NON_SSO profiles only: the Finesse password of the fake agent. */
  fixturePassword?: string;
}

export interface DefaultFinesseLabs {
  ucce: FinesseLab;
  uccx: FinesseLab;
  idp: LabIdp;
  profiles: FinesseLabProfile[];
  close(): Promise<void>;
}

const PRINCIPAL_DOMAIN = 'finesse.lab.invalid';

function profile(id: string, label: string, lab: FinesseLab, user: FinesseLabUser, authMode: 'password' | 'sso'): FinesseLabProfile {
  return {
    id,
    name: `Lab Finesse ${lab.deploymentType} — ${user.firstName} ${user.lastName} (${label})`,
    platform: 'finesse',
    servers: lab.servers,
    authMode,
    userName: user.loginName,
    language: 'en-US',
    applicationName: 'Patchbay',
    lab: true,
    ...(authMode === 'password' ? { fixturePassword: user.password } : {}),
  };
}

/** e2e journeys watch a refresh happen in seconds: `PATCHBAY_LAB_FINESSE_TOKEN_SECONDS` shortens the
 *  IdS access-token lifetime of the embedded lab (the lab runs as a child of `patchbay start`). */
export const TOKEN_SECONDS_ENV = 'PATCHBAY_LAB_FINESSE_TOKEN_SECONDS';

function tokenSecondsFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[TOKEN_SECONDS_ENV]?.trim();
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) throw new Error(`lab: ${TOKEN_SECONDS_ENV} must be a whole number of seconds (1..86400)`);
  return seconds;
}

export async function startDefaultFinesseLabs(options: { host?: string; finesse?: FinesseLabOptions; env?: NodeJS.ProcessEnv } = {}): Promise<DefaultFinesseLabs> {
  const host = options.host ?? '127.0.0.1';
  const envSeconds = tokenSecondsFromEnv(options.env ?? process.env);
  const finesseOptions: FinesseLabOptions = { ...(envSeconds === undefined ? {} : { accessTokenLifetimeSeconds: envSeconds }), ...options.finesse };
  const ucceUsers = defaultFinesseUsers('UCCE');
  const uccxUsers = defaultFinesseUsers('UCCX');
  // The IdP sends uid = loginName and user_principal = uid@finesse.lab.invalid (Cisco IdS needs both).
  const idp = await startLabIdp({
    host,
    principalDomain: PRINCIPAL_DOMAIN,
    users: [...ucceUsers, ...uccxUsers].map((u) => ({ userId: u.idpUid, password: u.idpPassword, displayName: `${u.firstName} ${u.lastName}` })),
  });
  const started: FinesseLab[] = [];
  try {
    const ucce = await startFinesseLab({ ...finesseOptions, host, deploymentType: 'UCCE', systemAuthMode: 'HYBRID', users: ucceUsers, xmppDomain: 'finesse-ucce.lab.invalid' });
    started.push(ucce);
    const uccx = await startFinesseLab({ ...finesseOptions, host, deploymentType: 'UCCX', systemAuthMode: 'SSO', users: uccxUsers, xmppDomain: 'finesse-uccx.lab.invalid' });
    started.push(uccx);
    for (const lab of started) {
      idp.addServiceProvider({ entityId: lab.ids.fqdn, acsUrl: lab.ids.acsUrl });
      lab.setIdp({ entryPoint: idp.ssoUrl, cert: idp.certificate });
    }
    const byName = (users: FinesseLabUser[], name: string): FinesseLabUser => {
      const u = users.find((x) => x.loginName === name);
      if (u === undefined) throw new Error(`lab: no Finesse fixture user ${name}`);
      return u;
    };
    const profiles = [
      profile('lab-finesse-ucce-sso', 'SSO', ucce, byName(ucceUsers, 'sjefferson'), 'sso'),
      profile('lab-finesse-ucce-password', 'password', ucce, byName(ucceUsers, 'jdoe'), 'password'),
      profile('lab-finesse-uccx-sso', 'SSO', uccx, byName(uccxUsers, 'agent3'), 'sso'),
    ];
    return {
      ucce,
      uccx,
      idp,
      profiles,
      close: async () => {
        await Promise.all(started.map((l) => l.close()));
        await idp.close();
      },
    };
  } catch (error) {
    await Promise.all(started.map((l) => l.close()));
    await idp.close();
    throw error;
  }
}
