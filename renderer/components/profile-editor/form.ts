// The profile editor's form model: the fields the agent edits, how a saved profile fills them, and
// how they become the contract's ProfileInput again (options the form does not show are kept).
// Pure functions, shared by ProfileEditor.vue and its section components.
import { computed } from 'vue';
import type { Ref, WritableComputedRef } from 'vue';
import type { AuthMode, Platform, Profile, ProfileInput, ProfileOptions } from '../../../preload/contract.ts';
import { defaultLanguage } from '../../format.ts';
import { t } from '../../i18n/index.ts';

export interface GenesysCloudForm {
  region: string;
  loginBase: string;
  clientId: string;
  redirectUri: string;
  loginMethod: 'system-browser' | 'login-window';
  org: string;
  provider: string;
}

export interface GwsForm {
  authMethod: 'gws-basic' | 'config-server-basic' | 'saml' | 'salesforce';
  place: string;
  samlLoginPath: string;
  sfLoginBase: string;
  sfClientId: string;
  sfRedirectUri: string;
  sfSessionIdHeader: string;
  sfIdentityUrlHeader: string;
  ssoAllowedHosts: string;
}

export interface FormState {
  platform: Platform;
  name: string;
  id: string;
  serversText: string;
  authMode: AuthMode;
  userName: string;
  language: string;
  messaging: ProfileOptions['messaging'];
  heartbeat: boolean;
  connectionMode: ProfileOptions['connectionMode'];
  pollIntervalMs: number;
  rememberPassword: boolean;
  /** Finesse: '' = the default port (8445; 7443 on 12.0/12.5). */
  xmppPort: string;
  ssoUserIn: 'query' | 'cookie';
  /** ICWS workstation to log on to ('' = none). */
  station: string;
  /** Genesys Cloud: region ('' = a custom login address), OAuth client, redirect, login page, SSO hints. */
  gc: GenesysCloudForm;
  /** GWS: the contact center's sign-in method (seed 002), the place, SAML path, Salesforce settings. */
  gws: GwsForm;
}

/** Field errors by contract key (`name`, `servers`, `options.gws.place`, …). */
export type FieldErrors = Record<string, string>;

export function initial(profile: Profile | undefined): FormState {
  return {
    platform: profile?.platform ?? 'icws',
    name: profile?.name ?? '',
    id: profile?.id ?? '',
    serversText: profile?.servers.join('\n') ?? '',
    authMode: profile?.authMode ?? 'password',
    userName: profile?.userName ?? '',
    language: profile?.language ?? defaultLanguage(typeof navigator === 'undefined' ? undefined : navigator.language),
    messaging: profile?.options.messaging ?? 'auto',
    heartbeat: profile?.options.heartbeat ?? false,
    connectionMode: profile?.options.connectionMode ?? 'direct',
    pollIntervalMs: profile?.options.pollIntervalMs ?? 2_000,
    rememberPassword: profile?.options.rememberPassword ?? false,
    xmppPort: profile?.options.finesse?.xmppPort ? String(profile.options.finesse.xmppPort) : '',
    ssoUserIn: profile?.options.finesse?.ssoUserIn ?? 'query',
    station: profile?.options.station ?? '',
    gc: {
      region: profile?.options.genesysCloud?.region ?? (profile?.options.genesysCloud?.loginBase ? '' : 'mypurecloud.com'),
      loginBase: profile?.options.genesysCloud?.loginBase ?? '',
      clientId: profile?.options.genesysCloud?.clientId ?? '',
      redirectUri: profile?.options.genesysCloud?.redirectUri ?? '',
      loginMethod: profile?.options.genesysCloud?.loginMethod ?? 'system-browser',
      org: profile?.options.genesysCloud?.org ?? '',
      provider: profile?.options.genesysCloud?.provider ?? '',
    },
    gws: {
      authMethod: profile?.options.gws?.authMethod ?? (profile?.authMode === 'sso' ? 'saml' : 'gws-basic'),
      place: profile?.options.gws?.place ?? '',
      samlLoginPath: profile?.options.gws?.samlLoginPath ?? '',
      sfLoginBase: profile?.options.gws?.salesforce?.loginBase ?? '',
      sfClientId: profile?.options.gws?.salesforce?.clientId ?? '',
      sfRedirectUri: profile?.options.gws?.salesforce?.redirectUri ?? '',
      sfSessionIdHeader: profile?.options.gws?.salesforce?.sessionIdHeader ?? 'ssid',
      sfIdentityUrlHeader: profile?.options.gws?.salesforce?.identityUrlHeader ?? 'surl',
      ssoAllowedHosts: profile?.options.gws?.ssoAllowedHosts?.join(', ') ?? '',
    },
  };
}

function finesseOptions(form: FormState, profile: Profile | undefined): NonNullable<ProfileOptions['finesse']> {
  const { xmppPort: _port, ssoUserIn: _in, ...kept } = profile?.options.finesse ?? {};
  const port = form.xmppPort.trim() === '' ? undefined : Number(form.xmppPort);
  return { ...kept, ...(port === undefined ? {} : { xmppPort: port }), ...(form.ssoUserIn === 'cookie' ? { ssoUserIn: 'cookie' as const } : {}) };
}

/** Genesys Cloud options as the contract has them; fields the form does not show are kept. */
function genesysCloudOptions(form: FormState, profile: Profile | undefined): NonNullable<ProfileOptions['genesysCloud']> {
  const { region: _r, loginBase: _l, clientId: _c, redirectUri: _u, loginMethod: _m, org: _o, provider: _p, ...kept } = profile?.options.genesysCloud ?? {};
  const trimmed = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const org = trimmed(form.gc.org);
  const provider = trimmed(form.gc.provider);
  const loginBase = form.gc.region === '' ? trimmed(form.gc.loginBase) : undefined;
  return {
    ...kept,
    ...(form.gc.region ? { region: form.gc.region } : {}),
    ...(loginBase ? { loginBase } : {}),
    clientId: form.gc.clientId.trim(),
    redirectUri: form.gc.redirectUri.trim(),
    loginMethod: form.gc.loginMethod,
    ...(org ? { org } : {}),
    ...(provider ? { provider } : {}),
  };
}

/** GWS options as the contract has them (issue 11); fields the form does not show are kept. */
function gwsOptions(form: FormState, profile: Profile | undefined): NonNullable<ProfileOptions['gws']> {
  const { authMethod: _a, place: _p, samlLoginPath: _s, salesforce: _sf, ssoAllowedHosts: _h, ...kept } = profile?.options.gws ?? {};
  const g = form.gws;
  const place = g.place.trim();
  const samlLoginPath = g.samlLoginPath.trim();
  const hosts = g.ssoAllowedHosts
    .split(/[\s,]+/)
    .map((h) => h.trim())
    .filter((h) => h !== '');
  return {
    ...kept,
    authMethod: g.authMethod,
    ...(place ? { place } : {}),
    ...(g.authMethod === 'saml' && samlLoginPath ? { samlLoginPath } : {}),
    ...(g.authMethod === 'salesforce'
      ? {
          salesforce: {
            loginBase: g.sfLoginBase.trim(),
            clientId: g.sfClientId.trim(),
            redirectUri: g.sfRedirectUri.trim(),
            sessionIdHeader: g.sfSessionIdHeader.trim() || 'ssid',
            identityUrlHeader: g.sfIdentityUrlHeader.trim() || 'surl',
          },
        }
      : {}),
    ...(hosts.length > 0 ? { ssoAllowedHosts: hosts } : {}),
  };
}

export function toInput(form: FormState, profile: Profile | undefined): ProfileInput {
  const servers = form.serversText
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const userName = form.userName.trim();
  const genesysCloud = form.platform === 'genesys-cloud';
  const gws = form.platform === 'gws';
  // GWS: the sign-in method decides whether a password is typed here (basic) or on a page (SSO).
  const gwsSso = gws && (form.gws.authMethod === 'saml' || form.gws.authMethod === 'salesforce');
  // Genesys Cloud: the API base follows the region unless IT typed one (custom deployments, the lab).
  if (genesysCloud && servers.length === 0 && form.gc.region) servers.push(`https://api.${form.gc.region}`);
  return {
    id: form.id.trim(),
    name: form.name,
    platform: form.platform,
    servers,
    // Genesys Cloud always signs in on its own login page (OAuth), never with a password typed here.
    authMode: genesysCloud || gwsSso ? 'sso' : gws ? 'password' : form.authMode,
    ...(userName ? { userName } : {}),
    language: form.language,
    applicationName: profile?.applicationName ?? 'Patchbay',
    // Options this form does not show (e.g. Finesse's) are kept as they were.
    options: {
      ...profile?.options,
      messaging: form.messaging,
      heartbeat: form.heartbeat,
      pollIntervalMs: Number(form.pollIntervalMs),
      connectionMode: form.connectionMode,
      rememberPassword: form.rememberPassword,
      station: form.platform === 'icws' && form.station.trim() ? form.station.trim() : undefined,
      ...(form.platform === 'finesse' ? { finesse: finesseOptions(form, profile) } : {}),
      ...(genesysCloud ? { genesysCloud: genesysCloudOptions(form, profile) } : {}),
      ...(gws ? { gws: gwsOptions(form, profile) } : {}),
    },
    ...(profile?.lab ? { lab: true } : {}),
  };
}

/** Where errors are shown, top to bottom (the first one gets the focus). */
export const FIELD_ORDER = [
  'platform',
  'name',
  'id',
  'servers',
  'authMode',
  'userName',
  'language',
  'options.messaging',
  'options.heartbeat',
  'options.connectionMode',
  'options.finesse.xmppPort',
  'options.genesysCloud.region',
  'options.genesysCloud.loginBase',
  'options.genesysCloud.clientId',
  'options.genesysCloud.redirectUri',
  'options.genesysCloud.org',
  'options.genesysCloud.provider',
  'options.gws.place',
  'options.gws.samlLoginPath',
  'options.gws.salesforce.loginBase',
  'options.gws.salesforce.clientId',
  'options.gws.salesforce.redirectUri',
  'options.gws.ssoAllowedHosts',
  'options.station',
  'options.pollIntervalMs',
];

/** issue 13 item 14: fields inside the collapsed "Advanced" section (opened for an error there). */
export const ADVANCED_KEYS = ['id', 'options.messaging', 'options.pollIntervalMs', 'options.heartbeat', 'options.finesse.xmppPort'];

/** Fold `servers.<n>` into the servers field ("Line 2: …"); keep other keys as they are. */
export function byField(raw: Record<string, string>): FieldErrors {
  const out: FieldErrors = {};
  const servers: string[] = [];
  for (const [key, message] of Object.entries(raw)) {
    const line = /^servers\.(\d+)$/.exec(key);
    if (line?.[1] !== undefined) servers.push(t('profileEditor.line', { n: Number(line[1]) + 1, message }));
    else out[key] ??= message;
  }
  if (servers.length > 0) out.servers = [out.servers, ...servers].filter(Boolean).join(' · ');
  return out;
}

/** aria-describedby for a field: its hint and, when it has one, its error message. */
export function describedBy(errors: FieldErrors, key: string, hint?: string): string | undefined {
  const ids = [hint, errors[key] ? `pe-error-${key.replace('.', '-')}` : undefined].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

/** One field of an object v-model as its own ref: a change emits a new object (props stay unmutated). */
export function fieldOf<T extends object, K extends keyof T>(model: Ref<T>, key: K): WritableComputedRef<T[K]> {
  return computed({
    get: () => model.value[key],
    set: (value) => {
      model.value = { ...model.value, [key]: value };
    },
  });
}
