// Finesse discovery steps (protocols/finesse.md §1, FIN-05, FIN-06): SystemInfo on the first node
// IN_SERVICE, the per-user auth mode in HYBRID, what the sign-in form asks for, and the nodes a
// one-server profile learns from SystemInfo (§5 failover).
import { getPublicSuffix } from 'tough-cookie';
import type { Profile, SignInOptions } from '../../../../preload/contract.ts';
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { HttpSession } from '../../net/http-session.ts';
import { responseError } from './rest.ts';
import { apiErrorMessage, FINESSE_XML, IN_SERVICE, parseApiErrors, parseSystemInfo, parseUserAuthMode, systemInfoNodeOrigins, type SystemInfo } from './wire.ts';

export const DISCOVERY_TIMEOUT_MS = 10_000;
export const PROBE_TIMEOUT_MS = 3_000;

export function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}

export async function fetchSystemInfo(http: HttpSession, origin: string, timeoutMs: number, signal?: AbortSignal): Promise<SystemInfo> {
  const res = await http.request({
    url: `${origin}/finesse/api/SystemInfo`,
    headers: { Accept: FINESSE_XML },
    followRedirects: false,
    timeoutMs,
    ...(signal ? { signal } : {}),
  });
  if (res.status !== 200 && res.status !== 503) throw responseError(res, 'finesse.system-info.failed', `Finesse answered ${res.status} for its system information.`);
  return parseSystemInfo(res.text());
}

/** [FIN-05] SystemInfo first, on the first node IN_SERVICE, starting at `start` (primary first). */
export async function discoverNode(http: HttpSession, log: Logger, nodes: string[], start: number, signal?: AbortSignal): Promise<{ index: number; info: SystemInfo }> {
  let outOfService: SystemInfo | undefined;
  let lastError: PatchbayError | undefined;
  for (let step = 0; step < nodes.length; step++) {
    const index = (start + step) % nodes.length;
    try {
      const info = await fetchSystemInfo(http, nodes[index]!, DISCOVERY_TIMEOUT_MS, signal);
      if (info.status === IN_SERVICE) return { index, info };
      outOfService ??= info;
    } catch (error) {
      if (signal?.aborted) throw error;
      lastError = toPatchbayError(error);
      log.info('finesse.node.unavailable', { node: hostOf(nodes[index]!), code: lastError.code });
    }
  }
  if (outOfService) {
    throw new PatchbayError('finesse.out-of-service', `Finesse is out of service${outOfService.statusReason ? ` (${outOfService.statusReason.slice(0, 120)})` : ''}. Try again in a moment.`, {
      action: 'retry',
    });
  }
  throw lastError ?? new PatchbayError('finesse.no-server', 'No Finesse server is configured for this profile.', { action: 'contact-it' });
}

/** §5 failover with a one-server profile: SystemInfo's primaryNode/secondaryNode become the other
 *  targets (the profile's own server stays first). A profile listing several servers is IT's choice.
 *  The password, token and refresh POST follow a node, so only one IT would have named (DESIGN.md
 *  trust boundaries; issue 8 item 2): https only (never for an http profile), in the configured
 *  server's parent domain or on the policy's `allowedServerHosts`. `refused` lists the hosts left out. */
export function learnedNodes(servers: readonly string[], info: Pick<SystemInfo, 'primaryNode' | 'secondaryNode'>, allowedHosts: readonly string[] = []): { nodes: string[]; refused: string[] } | undefined {
  if (servers.length !== 1) return undefined;
  const base = new URL(servers[0]!);
  const named = systemInfoNodeOrigins(base.origin, info);
  if (base.protocol !== 'https:') return { nodes: [base.origin], refused: named.map(hostOf) };
  const parent = parentDomain(base.hostname);
  const nodes = [base.origin];
  const refused: string[] = [];
  for (const origin of named) {
    const url = new URL(origin);
    const host = url.hostname.toLowerCase();
    const ok = url.protocol === 'https:' && ((parent !== undefined && host.endsWith(`.${parent}`)) || hostAllowed(host, allowedHosts));
    if (ok) nodes.push(origin);
    else refused.push(url.host);
  }
  return { nodes, refused };
}

/** fin-a.corp.example.com → corp.example.com; none for an IP address, or when the parent would be
 *  a public suffix (fin.co.uk → co.uk is not one organisation's). */
export function parentDomain(hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[')) return undefined;
  const labels = host.split('.');
  if (labels.length < 3) return undefined;
  const parent = labels.slice(1).join('.');
  // Special-use names (RFC 6761: corp.local, lab.test) are one organisation's like any other, as in the
  // cookie jar (net/cookies.ts); without the option tough-cookie throws for them, which failed every
  // sign-in on such a server. `parent` has two labels or more, so it is never the bare name (a throw).
  return getPublicSuffix(parent, { allowSpecialUseDomain: true }) ? parent : undefined;
}

/** IT's allow-list: exact host names, or ".domain" for the domain's hosts. */
export function hostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowedHosts.some((entry) => {
    const e = entry.toLowerCase();
    return e.startsWith('.') ? h.endsWith(e) && h.length > e.length : h === e;
  });
}

/** [FIN-06] HYBRID: the user's own mode; undefined when the service is disabled (403) or unknown. */
export async function fetchUserAuthMode(http: HttpSession, log: Logger, origin: string, userName: string, signal?: AbortSignal): Promise<'SSO' | 'NON_SSO' | undefined> {
  const res = await http.request({
    url: `${origin}/finesse/api/UserAuthMode/${encodeURIComponent(userName)}`,
    headers: { Accept: FINESSE_XML },
    followRedirects: false,
    timeoutMs: DISCOVERY_TIMEOUT_MS,
    ...(signal ? { signal } : {}),
  });
  if (res.status === 200) return parseUserAuthMode(res.text());
  log.info('finesse.user-auth-mode.unavailable', { status: res.status, message: apiErrorMessage(parseApiErrors(res.text())) });
  return undefined;
}

/** [FIN-06] HYBRID: the user's own mode decides; only when the server would not say it does the
 *  agent's choice (the SSO button or the password form) decide (issue 9 item 4). */
export function hybridUserMode(userMode: 'SSO' | 'NON_SSO' | undefined, input: { sso?: unknown; credentials?: unknown }, profileAuthMode: string): 'SSO' | 'NON_SSO' {
  if (userMode) return userMode;
  if (input.sso) return 'SSO';
  if (input.credentials) return 'NON_SSO';
  return profileAuthMode === 'sso' ? 'SSO' : 'NON_SSO';
}

/** What the form asks for in each mode (FIN-09: an SSO user types no password in Patchbay). */
export function signInOptionsFor(mode: 'SSO' | 'NON_SSO' | 'HYBRID' | 'HYBRID-UNKNOWN', profile: Pick<Profile, 'userName'>): SignInOptions {
  const sso = [{ id: 'finesse-sso', label: 'Single sign-on' }];
  if (mode === 'SSO') {
    return {
      credentialsForm: false,
      identityProviders: sso,
      userNameRequired: !profile.userName,
      extensionRequired: true,
      note: "You type your password on your organisation's sign-in page, never in Patchbay.",
    };
  }
  if (mode === 'NON_SSO') return { credentialsForm: true, identityProviders: [], userNameRequired: true, extensionRequired: true };
  if (mode === 'HYBRID-UNKNOWN') {
    // FIN-06/09, issue 9 item 4: the server would not say this user's mode; the agent chooses. The
    // password goes out only if they choose it — an SSO user picks single sign-on and types none here.
    return {
      credentialsForm: true,
      identityProviders: sso,
      userNameRequired: true,
      extensionRequired: true,
      note: 'This server did not say whether you sign in with a password or single sign-on. Choose the one your organisation gave you; if you use single sign-on, do not type your password here.',
    };
  }
  return {
    credentialsForm: false,
    identityProviders: sso,
    userNameRequired: true,
    extensionRequired: true,
    note: 'Enter your user ID first: this server decides per user between a password and single sign-on.',
  };
}
