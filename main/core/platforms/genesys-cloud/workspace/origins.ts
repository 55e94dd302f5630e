// Exact origins and the CSP for the Genesys Cloud embedded workspace, derived from the profile's region.
// seed 004 GC-06/GC-07: exact host names only — no wildcards, no suffix matching, no '*' target origin.
// GC-08: the CSP names exactly the origins the host window needs (stricter than the seed's *.mypurecloud.com).
import { PatchbayError } from '../../../errors.ts';

/** Genesys Cloud regions (the domain after api./apps./login.). A closed list: a typo is a profile error. */
export const GENESYS_REGIONS = [
  'mypurecloud.com', 'use2.us-gov-pure.cloud', 'usw2.pure.cloud', 'cac1.pure.cloud', 'mypurecloud.ie',
  'euw2.pure.cloud', 'mypurecloud.de', 'aps1.pure.cloud', 'mypurecloud.jp', 'apne2.pure.cloud',
  'mypurecloud.com.au', 'sae1.pure.cloud', 'mec1.pure.cloud', 'euc2.pure.cloud', 'apne3.pure.cloud',
] as const;

export interface WorkspaceOrigins {
  /** Origin the component frame is served from and whose messages are believed (GC-06). */
  readonly component: string;
  /** REST API origin the component calls. */
  readonly api: string;
  /** Notification/media websocket origin (connect-src wss:). */
  readonly streaming: string;
}

function invalid(message: string): PatchbayError {
  return new PatchbayError('genesys-cloud.workspace.invalid', message, { action: 'contact-it' });
}

function isLoopback(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '[::1]' || host === 'localhost';
}

/** Origins for a region, or — for the lab only — a loopback component URL with a loopback API base. */
export function workspaceOrigins(input: { region?: string; componentUrl?: string; apiBase?: string }): WorkspaceOrigins {
  if (input.componentUrl !== undefined) {
    // Lab: both the component and the API must be loopback; a real host here would bypass the region list.
    const c = parseHttpUrl(input.componentUrl);
    const a = parseHttpUrl(input.apiBase ?? '');
    if (!isLoopback(c.hostname) || !isLoopback(a.hostname)) throw invalid('A component address is only allowed for a loopback lab.');
    return { component: c.origin, api: a.origin, streaming: `ws://${a.host}` };
  }
  const region = input.region ?? '';
  if (!(GENESYS_REGIONS as readonly string[]).includes(region)) throw invalid(`"${region}" is not a known Genesys Cloud region.`);
  // GC-07: exact hosts for this region only.
  return { component: `https://apps.${region}`, api: `https://api.${region}`, streaming: `wss://streaming.${region}` };
}

function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('The workspace address is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('The workspace address must be http(s).');
  return url;
}

/** GC-06: exact string comparison of a message's origin; never a suffix or pattern match. */
export function isAllowedOrigin(origins: WorkspaceOrigins, origin: unknown): boolean {
  return typeof origin === 'string' && origin === origins.component;
}

/** GC-08: CSP for the window that hosts the component frame. `self` is the host page's own origin. */
export function workspaceCsp(origins: WorkspaceOrigins): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `frame-src ${origins.component}`,
    `connect-src 'self' ${origins.api} ${origins.streaming}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join('; ');
}
