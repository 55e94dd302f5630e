// The IdS as a SAML 2.0 service provider: the AuthnRequest/Response settings [CCXDG] names, the
// single-use InResponseTo cache, SP metadata, and reading the identity out of a validated assertion.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SAML, generateServiceProviderMetadata } from '@node-saml/node-saml';
import type { CacheProvider, SamlConfig } from '@node-saml/node-saml';
import { identityOf } from './types.ts';
import type { Identity, IdsIdpConfig } from './types.ts';

const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';

/** node-saml's InResponseTo cache: request ids are single use and expire. */
export function memoryCache(ttlMs: number): CacheProvider {
  const items = new Map<string, { value: string; createdAt: number }>();
  const sweep = (): void => {
    const now = Date.now();
    for (const [k, v] of items) if (now - v.createdAt > ttlMs) items.delete(k);
  };
  return {
    saveAsync: async (key, value) => {
      sweep();
      if (items.has(key)) return null;
      const item = { value, createdAt: Date.now() };
      items.set(key, item);
      return item;
    },
    getAsync: async (key) => {
      sweep();
      return items.get(key)?.value ?? null;
    },
    removeAsync: async (key) => {
      if (key === null) return null;
      const item = items.get(key);
      items.delete(key);
      return item?.value ?? null;
    },
  };
}

export interface SpSettings {
  fqdn: string;
  acsUrl: string;
  /** Where AuthnRequests go: the IdP's entry point, or a closed port while the IdP-down fault is on. */
  entryPoint: string;
  cache: CacheProvider;
  requestLifetimeMs: number;
}

export function samlFor(config: IdsIdpConfig, sp: SpSettings): SAML {
  // [CCXDG] IdS expectations: Issuer and Audience = IdS FQDN, transient NameID with SPNameQualifier,
  // whole Response signed (the assertion alone is not enough), nothing encrypted.
  const samlConfig: SamlConfig = {
    callbackUrl: sp.acsUrl,
    entryPoint: sp.entryPoint,
    issuer: sp.fqdn,
    audience: sp.fqdn,
    idpCert: config.cert,
    identifierFormat: TRANSIENT,
    spNameQualifier: sp.fqdn,
    wantAuthnResponseSigned: true,
    wantAssertionsSigned: false,
    disableRequestedAuthnContext: true,
    validateInResponseTo: 'always' as SamlConfig['validateInResponseTo'],
    requestIdExpirationPeriodMs: sp.requestLifetimeMs,
    cacheProvider: sp.cache,
    acceptedClockSkewMs: 5_000,
    // SAML bindings §3.5.4: HTTP-POST carries the message base64 only, not DEFLATEd.
    ...(config.authnRequestBinding === 'redirect' ? {} : { authnRequestBinding: 'HTTP-POST', skipRequestCompression: true }),
    ...(config.idpIssuer === undefined ? {} : { idpIssuer: config.idpIssuer }),
  };
  return new SAML(samlConfig);
}

export function spMetadata(fqdn: string, acsUrl: string): string {
  return generateServiceProviderMetadata({ issuer: fqdn, callbackUrl: acsUrl, identifierFormat: TRANSIENT, wantAssertionsSigned: false });
}

function firstValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** [CCXDG] the IdS requires both the uid and user_principal attributes; undefined when either is unusable. */
export function identityFromProfile(profile: Record<string, unknown>): Identity | undefined {
  const uid = firstValue(profile['uid']);
  const upn = firstValue(profile['user_principal']);
  if (uid === undefined || uid === '' || upn === undefined || !upn.includes('@')) return undefined;
  return identityOf(uid, upn);
}

/** A local port that nothing listens on (IdP-down fault). */
export async function closedPort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, host, () => resolve());
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
